package workflow

import (
	"fmt"
	"slices"
	"strings"

	"github.com/asysta/asysta/rules"
)

// This file draws the lifecycles. The diagrams are generated from the same
// trigger records (family.go, child.go, foster_family.go) that configure
// the stateless machines, through a
// small intermediate model, [diagram], that both renderers consume: DOT
// for Graphviz and Mermaid's stateDiagram-v2.

// initialNode is the node ID of the initial pseudo-state: the declared
// family with no case yet, or the declaration of a child or a foster
// family. It is the declared state itself.
const initialNode = declared

// diagram is a lifecycle as drawn: states in table order, superstates as
// clusters, and labelled edges in table order (parallel transitions merged
// into the first edge between the same states).
type diagram struct {
	name  rules.Lifecycle
	lang  rules.Lang // of the diagram's own words; English unless translated
	nodes []node
	edges []edge
}

// node is one state of a diagram.
type node struct {
	id      State
	parent  State // the enclosing cluster, "" at the top level
	cluster bool  // a superstate, drawn as a cluster (composite state)
}

// edge is one drawn transition. A self-loop (from == to) is an internal
// transition: the case stays where it is.
type edge struct {
	from, to State // from initialNode: a transition that opens the case
	// labels holds one label per transition drawn on the edge (parallel
	// transitions share an edge), each as its lines.
	labels [][]string
	dashed bool // fired by the engine, not by a user
}

// DOT returns the diagram of a lifecycle in Graphviz's DOT language. The
// output is deterministic; an unknown lifecycle is an error. DOT and
// [Mermaid] are safe for concurrent use.
func DOT(l rules.Lifecycle) (string, error) { return DOTIn(l, rules.English) }

// Mermaid returns the diagram of a lifecycle as a Mermaid stateDiagram-v2.
func Mermaid(l rules.Lifecycle) (string, error) { return MermaidIn(l, rules.English) }

// DOTIn is [DOT] with the diagram's own words (who fires a trigger, the
// choices, the comment) in lang; states, triggers and roles keep their IDs.
func DOTIn(l rules.Lifecycle, lang rules.Lang) (string, error) {
	d, err := diagramOf(l)
	if err != nil {
		return "", err
	}
	d.translate(lang)
	return d.dot(), nil
}

// MermaidIn is [Mermaid] with the diagram's own words in lang (see [DOTIn]).
func MermaidIn(l rules.Lifecycle, lang rules.Lang) (string, error) {
	d, err := diagramOf(l)
	if err != nil {
		return "", err
	}
	d.translate(lang)
	return d.mermaid(), nil
}

// graphWords are the diagram's own words and their Polish; every label
// is built from them, IDs and conditions on facts.
var graphWords = []struct{ en, pl string }{
	{"(engine, on first placed child)", "(silnik, przy pierwszym umieszczonym dziecku)"},
	{"(engine, on a child's placement)", "(silnik, przy umieszczeniu dziecka)"},
	{"(engine)", "(silnik)"},
	{" of its institution", " własnej placówki"},
	{" [as candidate]", " [jako kandydat]"},
	{"assigned ", "przypisany asystent "},
	{"other reason", "inny powód"},
	{"to placed.‹form›", "do placed.‹forma›"},
	{"back to the previous placement", "z powrotem do poprzedniego umieszczenia"},
}

// translate puts the diagram's own words into lang.
func (d *diagram) translate(lang rules.Lang) {
	if lang != rules.Polish {
		return
	}
	d.lang = lang
	for i := range d.edges {
		for j := range d.edges[i].labels {
			for k, line := range d.edges[i].labels[j] {
				for _, w := range graphWords {
					line = strings.ReplaceAll(line, w.en, w.pl)
				}
				d.edges[i].labels[j][k] = line
			}
		}
	}
}

// diagramOf builds the intermediate model of a lifecycle from its table.
func diagramOf(l rules.Lifecycle) (*diagram, error) {
	defs, err := definitions()
	if err != nil {
		return nil, err
	}
	def := defs[l]
	if def == nil {
		return nil, fmt.Errorf("workflow: unknown lifecycle %q; want family, child or foster_family", l)
	}
	d := &diagram{name: l}
	for _, s := range def.states {
		if s != declared {
			d.nodes = append(d.nodes, node{id: s, parent: s.Parent(), cluster: def.isSuper(s)})
		}
	}
	for _, e := range declarationEdges(def.lifecycle) {
		d.addEdge(e)
	}
	for i := range def.records {
		r := &def.records[i]
		for j := range r.paths {
			edges, err := transitionEdges(def.lifecycle, r, &r.paths[j])
			if err != nil {
				return nil, fmt.Errorf("workflow: lifecycle %s: %w", l, err)
			}
			for _, e := range edges {
				d.addEdge(e)
			}
		}
	}
	return d, nil
}

// addEdge appends e, or merges its label into an earlier edge between the
// same states drawn the same way, so that parallel edges do not stack
// their labels on top of each other.
func (d *diagram) addEdge(e edge) {
	for i := range d.edges {
		// The engine's own self-loops join the state's other self-loops.
		if old := &d.edges[i]; old.from == e.from && old.to == e.to && (old.dashed == e.dashed || e.from == e.to) {
			old.labels = append(old.labels, e.labels...)
			return
		}
	}
	d.edges = append(d.edges, e)
}

// declarationEdges returns the edges from the initial pseudo-state to the
// states a declaration creates (in_family, qualified, candidate). The
// declared family has none: its case is opened by refer or apply_za_zyciem.
func declarationEdges(l *lifecycle) []edge {
	var out []edge
	for _, s := range l.leaves() {
		if s == declared || !l.initial(s) {
			continue
		}
		label := TriggerDeclare
		if s == Candidate {
			label += " [as candidate]"
		}
		out = append(out, edge{from: initialNode, to: s, labels: [][]string{{label}}})
	}
	return out
}

// transitionEdges returns the edges of one path of a trigger's record: one
// per source state and destination. An internal transition is a
// self-loop; a chosen destination has an edge per destination it may be,
// labelled with the choice.
func transitionEdges(l *lifecycle, r *record, p *path) ([]edge, error) {
	var out []edge
	for _, from := range p.from {
		targets, err := drawnTargets(l, r, p, from)
		if err != nil {
			return nil, err
		}
		for _, to := range targets {
			out = append(out, edge{from: from, to: to, labels: [][]string{edgeLabel(r, p, to)}, dashed: r.internal})
		}
	}
	return out, nil
}

// drawnTargets returns where a transition from a state is drawn to: its
// destination, from itself for an internal transition, or the choices of
// a dynamic one (see choiceTargets).
func drawnTargets(l *lifecycle, r *record, p *path, from State) ([]State, error) {
	switch {
	case p.choose == nil && p.to == "":
		return []State{from}, nil
	case p.choose == nil:
		return []State{p.to}, nil
	case len(p.targets) == 0 || choiceLabel(r.name, p.targets[0]) == "":
		return nil, fmt.Errorf("dynamic trigger %s has no choice to draw: list its targets and add it to choiceLabel", r.name)
	}
	var out []State
	for _, to := range choiceTargets(l, r, p) {
		if to.In(from) {
			to = from // a composite cannot be drawn pointing into itself
		}
		if !slices.Contains(out, to) {
			out = append(out, to)
		}
	}
	if staysOn(r.name) {
		out = append(out, from)
	}
	return out, nil
}

// choiceTargets returns a dynamic transition's targets as drawn. When the
// targets are all the leaves of one superstate (place: one per form;
// return_refused: the placement the child came from), one edge goes to the
// superstate, clipped at its border, labelled with how the leaf is chosen:
// an edge per leaf made the child diagram 4,000 px wide, its labels
// overlapping, and makes Mermaid lay other states out inside the composite
// state. Other targets get an edge each.
func choiceTargets(l *lifecycle, r *record, p *path) []State {
	parent := p.targets[0].Parent()
	if parent == "" {
		return slices.Clone(p.targets)
	}
	for _, to := range p.targets {
		if to.Parent() != parent {
			return slices.Clone(p.targets)
		}
	}
	for _, s := range l.leaves() {
		if s.Parent() == parent && !slices.Contains(p.targets, s) {
			return slices.Clone(p.targets)
		}
	}
	return []State{parent}
}

// choiceLabel names the condition under which a path's choose function
// (in the trigger's record) picks a destination: to is a target, or the
// source state for staying (see staysOn). "" means the trigger is unknown
// here, which [diagramOf] reports as an error.
func choiceLabel(trigger string, to State) string {
	switch trigger {
	case "end_work":
		if to == Monitoring {
			return "reason = goals_achieved"
		}
		return "other reason"
	case "withdraw_consent":
		if to == Closed {
			return "basis ≠ court_order"
		}
		return "basis = court_order"
	case "place":
		if to.Parent() == "" { // drawn to the superstate: every form
			return "to " + string(to) + ".‹form›"
		}
		return "form = " + to.Leaf()
	case "move":
		return "to placed.‹form›"
	case "return_refused":
		return "back to the previous placement"
	}
	return ""
}

// staysOn reports whether a dynamic transition may also keep the case in
// its state (withdrawTarget under a court obligation).
func staysOn(trigger string) bool { return trigger == "withdraw_consent" }

// edgeLabel returns the lines of an edge's label: the trigger with its
// conditions in brackets, then who fires it.
func edgeLabel(r *record, p *path, to State) []string {
	var conds []string
	if p.when != nil {
		conds = append(conds, p.when.name)
	}
	if p.choose != nil {
		conds = append(conds, choiceLabel(r.name, to))
	}
	first := r.name
	if len(conds) > 0 {
		first += " [" + strings.Join(conds, ", ") + "]"
	}
	switch {
	case r.internal && r.name == TriggerActivate:
		return []string{first, "(engine, on first placed child)"}
	case r.internal && r.name == TriggerChildPlaced:
		return []string{first, "(engine, on a child's placement)"}
	case r.internal:
		return []string{first, "(engine)"}
	}
	roles := make([]string, len(r.roles))
	for i, role := range r.roles {
		roles[i] = string(role)
		if r.assigned && role == FamilyAssistant {
			roles[i] = "assigned " + roles[i]
		}
		if r.own && role == InstitutionDirector {
			roles[i] += " of its institution"
		}
	}
	return []string{first, "(" + strings.Join(roles, ", ") + ")"}
}

// children returns the nodes directly inside parent ("" for the top level),
// in table order.
func (d *diagram) children(parent State) []node {
	var out []node
	for _, n := range d.nodes {
		if n.parent == parent {
			out = append(out, n)
		}
	}
	return out
}

// isCluster reports whether s is drawn as a cluster.
func (d *diagram) isCluster(s State) bool {
	for _, n := range d.nodes {
		if n.id == s {
			return n.cluster
		}
	}
	return false
}

// firstLeaf returns the first state inside cluster s that is not itself a
// cluster: the node a DOT edge to or from the cluster is attached to.
func (d *diagram) firstLeaf(s State) State {
	kids := d.children(s)
	switch {
	case len(kids) == 0:
		return s
	case kids[0].cluster:
		return d.firstLeaf(kids[0].id)
	}
	return kids[0].id
}

// generatedBy is the comment at the top of every diagram.
func (d *diagram) generatedBy(format string) string {
	if d.lang == rules.Polish {
		return fmt.Sprintf("Cykl życia %s, wygenerowany z rekordów wyzwalaczy w workflow/%s.go (asysta graph %s --format %s --lang pl).", d.name, d.name, d.name, format)
	}
	return fmt.Sprintf("The %s lifecycle, generated from its trigger records in workflow/%s.go (asysta graph %s --format %s).", d.name, d.name, d.name, format)
}

// dot renders the diagram in the DOT language. Superstates are clusters;
// an edge to or from a cluster is attached to its first leaf and clipped
// at the cluster's border (compound=true); the self-loops of a cluster,
// which Graphviz cannot draw, are listed in a note inside it.
func (d *diagram) dot() string {
	var b strings.Builder
	fmt.Fprintf(&b, "// %s\ndigraph %s {\n", d.generatedBy("dot"), d.name)
	b.WriteString("\tcompound=true;\n\tranksep=0.7;\n\tnodesep=0.5;\n")
	b.WriteString("\tnode [shape=box, style=rounded, fontname=\"Helvetica\"];\n")
	b.WriteString("\tedge [fontname=\"Helvetica\", fontsize=10];\n")
	if d.hasInitial() {
		fmt.Fprintf(&b, "\t%s [shape=point, width=0.2, label=\"\"];\n", dotID(initialNode))
	}
	d.dotNodes(&b, "", "\t")
	for _, e := range d.edges {
		if e.from == e.to && d.isCluster(e.from) {
			continue // in the cluster's note
		}
		d.dotEdge(&b, e)
	}
	b.WriteString("}\n")
	return b.String()
}

// dotNodes writes the nodes and clusters inside parent.
func (d *diagram) dotNodes(b *strings.Builder, parent State, indent string) {
	for _, n := range d.children(parent) {
		if !n.cluster {
			fmt.Fprintf(b, "%s%s [label=%s];\n", indent, dotID(n.id), dotString(n.id.Leaf()))
			continue
		}
		fmt.Fprintf(b, "%ssubgraph %s {\n", indent, dotCluster(n.id))
		fmt.Fprintf(b, "%s\tlabel=%s;\n%s\tstyle=rounded;\n", indent, dotString(string(n.id)), indent)
		d.dotNodes(b, n.id, indent+"\t")
		d.dotRows(b, n.id, indent+"\t")
		if note := d.dotNote(n.id); note != "" {
			fmt.Fprintf(b, "%s\t%s [shape=note, style=\"\", fontsize=10, label=\"%s\"];\n", indent, dotID(n.id+" (internal)"), note)
		}
		fmt.Fprintf(b, "%s}\n", indent)
	}
}

// dotRowWidth is the most leaves a cluster shows side by side.
const dotRowWidth = 3

// dotRows stacks a cluster's leaves in rows of dotRowWidth, with invisible
// edges from each leaf to the one below it: the six placements of a child
// side by side made the diagram 4,000 px wide.
func (d *diagram) dotRows(b *strings.Builder, cluster State, indent string) {
	var leaves []State
	for _, n := range d.children(cluster) {
		if !n.cluster {
			leaves = append(leaves, n.id)
		}
	}
	for i := 0; i+dotRowWidth < len(leaves); i++ {
		fmt.Fprintf(b, "%s%s -> %s [style=invis];\n", indent, dotID(leaves[i]), dotID(leaves[i+dotRowWidth]))
	}
}

// dotNote returns the label of the note listing a cluster's self-loops,
// left-aligned, or "" when it has none.
func (d *diagram) dotNote(cluster State) string {
	var lines []string
	for _, e := range d.edges {
		if e.from == cluster && e.to == cluster {
			for _, l := range e.labels {
				lines = append(lines, dotEscape(strings.Join(l, " ")))
			}
		}
	}
	if len(lines) == 0 {
		return ""
	}
	kept := ".* → itself (the state is kept):"
	if d.lang == rules.Polish {
		kept = ".* → bez zmiany stanu:"
	}
	return dotEscape(string(cluster)+kept) + `\l` + strings.Join(lines, `\l`) + `\l`
}

// dotEdge writes one edge, attached to the first leaf of a cluster end.
func (d *diagram) dotEdge(b *strings.Builder, e edge) {
	from, to := e.from, e.to
	attrs := []string{"label=" + dotString(strings.Join(e.lines(), "\n"))}
	if d.isCluster(from) {
		from = d.firstLeaf(from)
		attrs = append(attrs, "ltail="+dotCluster(e.from))
	}
	if d.isCluster(to) {
		to = d.firstLeaf(to)
		attrs = append(attrs, "lhead="+dotCluster(e.to))
	}
	if e.dashed {
		attrs = append(attrs, "style=dashed")
	}
	fmt.Fprintf(b, "\t%s -> %s [%s];\n", dotID(from), dotID(to), strings.Join(attrs, ", "))
}

// lines returns the lines of all the edge's labels.
func (e edge) lines() []string { return slices.Concat(e.labels...) }

// hasInitial reports whether any edge leaves the initial pseudo-state.
func (d *diagram) hasInitial() bool {
	return slices.ContainsFunc(d.edges, func(e edge) bool { return e.from == initialNode })
}

// dotID returns the quoted DOT node ID of a state.
func dotID(s State) string {
	if s == initialNode {
		return `"[*]"`
	}
	return dotString(string(s))
}

// dotCluster returns the name of a superstate's cluster subgraph.
func dotCluster(s State) string { return "cluster_" + strings.ReplaceAll(string(s), ".", "_") }

// dotString returns s as a quoted DOT string; a newline becomes a centred
// line break.
func dotString(s string) string { return `"` + dotEscape(s) + `"` }

func dotEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

// mermaid renders the diagram as a Mermaid stateDiagram-v2. Superstates
// are composite states; every edge is written in the innermost composite
// state that holds both its ends.
func (d *diagram) mermaid() string {
	var b strings.Builder
	fmt.Fprintf(&b, "stateDiagram-v2\n    %%%% %s\n", d.generatedBy("mermaid"))
	d.mermaidBlock(&b, "", "    ")
	return b.String()
}

// mermaidBlock writes the states inside parent, then the edges that belong
// to that block.
func (d *diagram) mermaidBlock(b *strings.Builder, parent State, indent string) {
	for _, n := range d.children(parent) {
		switch {
		case n.cluster:
			fmt.Fprintf(b, "%sstate %s {\n", indent, mermaidID(n.id))
			d.mermaidBlock(b, n.id, indent+"    ")
			fmt.Fprintf(b, "%s}\n", indent)
		case n.parent != "":
			fmt.Fprintf(b, "%sstate \"%s\" as %s\n", indent, n.id.Leaf(), mermaidID(n.id))
		default:
			fmt.Fprintf(b, "%s%s\n", indent, mermaidID(n.id))
		}
	}
	for _, e := range d.edges {
		if d.block(e) == parent {
			fmt.Fprintf(b, "%s%s --> %s : %s\n", indent, mermaidID(e.from), mermaidID(e.to), mermaidLabel(e.lines()))
		}
	}
}

// block returns the innermost cluster holding both ends of an edge, "" for
// the top level.
func (d *diagram) block(e edge) State {
	a, b := e.from.Parent(), e.to.Parent()
	if e.from == initialNode {
		a = ""
	}
	for a != "" && !b.In(a) {
		a = a.Parent()
	}
	return a
}

// mermaidID returns the Mermaid ID of a state: dots, which Mermaid IDs
// cannot hold, become double underscores.
func mermaidID(s State) string {
	if s == initialNode {
		return "[*]"
	}
	return strings.ReplaceAll(string(s), ".", "__")
}

// mermaidLabel joins the lines of a label with <br> and escapes what
// Mermaid would read as syntax: after the first colon of a transition the
// rest is its label, but colons, semicolons, quotes, '#' and HTML
// brackets are written as entity codes all the same.
func mermaidLabel(lines []string) string {
	esc := strings.NewReplacer("#", "#35;", ":", "#58;", ";", "#59;", `"`, "#quot;", "<", "#lt;", ">", "#gt;")
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = esc.Replace(l)
	}
	return strings.Join(out, "<br>")
}
