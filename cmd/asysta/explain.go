package main

import (
	"fmt"
	"github.com/asysta/asysta/internal/nearest"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/asysta/asysta/docs"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// init registers the explain verb.
func init() {
	register(&command{
		name: "explain",
		synopsis: rules.Text{
			PL: "[--on DATA] [--config PLIK]... [--lang pl|en] ID",
			EN: "[--on DATE] [--config FILE]... [--lang pl|en] ID",
		},
		summary: rules.Text{
			PL: "objaśnia regułę, parametr, wyzwalacz, stan, obowiązek lub rolę: czym jest, podstawa prawna, historia, gdzie jest używany",
			EN: "explain a rule, parameter, trigger, state, obligation or role: what it is, its legal basis, history and where it is used",
		},
		exits: rules.Text{PL: "0 sukces, 1 nieznany ID albo błędny plik konfiguracyjny, 2 błędne wywołanie",
			EN: "0 success, 1 an unknown ID or a configuration file with problems, 2 a wrong command line"},
		run: runExplain,
	})
}

// explainer answers asysta explain under one rule set on one day.
type explainer struct {
	inv      *invocation
	w        io.Writer
	rs       *rules.RuleSet
	day      rules.Date
	glossary []docs.Entry
}

// runExplain prints everything asysta knows about one identifier; an ID
// may name several things (institution.max_children is a rule and a
// parameter), and each is explained.
func runExplain(inv *invocation, cmd *command, args []string) int {
	fs := inv.newFlags(cmd)
	on, configs := inv.dayAndConfigFlags(fs)
	positional, status, ok := fs.parse(args)
	if !ok {
		return status
	}
	if len(positional) != 1 {
		return fs.fail(rules.Text{PL: "podaj jeden ID", EN: "give one ID"})
	}
	rs, day, status, ok := inv.ruleSetOn(fs, *on, *configs)
	if !ok {
		return status
	}
	x := &explainer{inv: inv, w: inv.stdout, rs: rs, day: day, glossary: docs.Glossary()}
	id := positional[0]
	found := false
	for _, explain := range []func(string) bool{x.rule, x.parameter, x.trigger, x.state, x.obligation, x.role} {
		if explain(id) {
			found = true
		}
	}
	if found {
		return exitOK
	}
	near := nearest.Names(id, x.names(), 5)
	msg := rules.Text{PL: fmt.Sprintf("nieznany ID %q: to nie reguła, parametr, wyzwalacz, stan, obowiązek ani rola", id),
		EN: fmt.Sprintf("unknown ID %q: not a rule, parameter, trigger, state, obligation or role", id)}
	if len(near) > 0 {
		msg.PL += "; najbliższe: " + strings.Join(near, ", ")
		msg.EN += "; nearest: " + strings.Join(near, ", ")
	} else {
		msg.PL += "; listy: asysta rules, asysta params, docs/glossary.md"
		msg.EN += "; lists: asysta rules, asysta params, docs/glossary.md"
	}
	fmt.Fprintf(inv.stderr, "asysta explain: %s\n", msg.In(inv.lang))
	return exitProblem
}

// heading starts the explanation of one thing: "ID — kind".
func (x *explainer) heading(id string, kind rules.Text) {
	fmt.Fprintf(x.w, "%s — %s\n", id, kind.In(x.inv.lang))
}

// line prints "  label: value", the label in the invocation's language.
func (x *explainer) line(pl, en string, value string) {
	fmt.Fprintf(x.w, "  %s %s\n", x.inv.tr(pl, en)+":", value)
}

// both prints a text in both languages, as the catalogue and messages
// hold it.
func (x *explainer) both(pl, en string, t rules.Text) {
	if t.IsZero() {
		return
	}
	x.line(pl+" (pl)", en+" (pl)", t.PL)
	x.line(pl+" (en)", en+" (en)", t.EN)
}

// glossaryHeaders translates the glossary's column headers.
var glossaryHeaders = map[string]string{
	"Polish": "po polsku", "meaning": "znaczenie", "legal basis": "podstawa prawna", "from → to": "skąd → dokąd",
	"who": "kto", "arguments": "argumenty", "unit": "jednostka", "statutory value and history": "wartość ustawowa i historia",
	"direction": "kierunek", "blocks": "blokuje", "on": "wyzwalacze", "computes": "oblicza", "opens": "otwierają",
	"due": "termin", "closed by": "zamykają", "what the role does in asysta": "zadania w asysta",
}

// glossaryRow prints the glossary's row about id in the section whose
// title starts with section (and sub, when given): the Polish term and the
// English explanation, as docs/glossary.md writes them.
func (x *explainer) glossaryRow(id, section, sub string) {
	for _, e := range x.glossary {
		if e.ID != id || !strings.HasPrefix(e.Section, section) || (sub != "" && !strings.HasPrefix(e.Sub, sub)) {
			continue
		}
		fmt.Fprintf(x.w, "  %s\n", x.inv.tr("słownik (docs/glossary.md, po angielsku):", "glossary (docs/glossary.md):"))
		for i := 1; i < len(e.Headers) && i < len(e.Cells); i++ {
			h := e.Headers[i]
			if pl, ok := glossaryHeaders[h]; ok && x.inv.lang == rules.Polish {
				h = pl
			}
			if e.Cells[i] != "" {
				fmt.Fprintf(x.w, "    %s: %s\n", h, e.Cells[i])
			}
		}
		return
	}
}

// rule explains a rule: its definition, period, expression, messages and
// the parameters it reads.
func (x *explainer) rule(id string) bool {
	p, ok := x.rs.Program(id)
	if !ok {
		return false
	}
	inv, r := x.inv, p.Rule()
	x.heading(id, rules.Text{PL: "reguła", EN: "rule"})
	x.glossaryRow(id, "Rules", "")
	x.line("rodzaj", "kind", inv.kindText(r))
	x.line("wyzwalacze", "triggers", strings.Join(triggerNames(p.Triggers()), ", "))
	x.line("źródło", "source", inv.sourceName(r.Source))
	x.line("podstawa prawna", "legal basis", inv.basisText(r.Basis))
	from, to := inv.tr("od wejścia ustawy", "since the statute"), inv.tr("bez terminu", "until further notice")
	if !r.From.IsZero() {
		from = r.From.String()
	}
	if !r.To.IsZero() {
		to = r.To.String()
	}
	inForce := inv.tr("nie obowiązuje", "not in force")
	if r.InForce(x.day) {
		inForce = inv.tr("obowiązuje", "in force")
	}
	x.line("okres", "period", fmt.Sprintf("%s – %s (%s %s %s)", from, to, inForce, inv.tr("w dniu", "on"), x.day))
	x.line("wyrażenie", "expression", oneLine(r.Expr))
	x.both("komunikat", "message", r.Message)
	var params []string
	for _, l := range rules.Lifecycles {
		for _, pid := range p.Params(l) {
			if !slices.Contains(params, pid) {
				params = append(params, pid)
			}
		}
	}
	for _, pid := range params {
		if v, ok := x.rs.Param(pid, x.day); ok {
			x.line("czyta parametr", "reads parameter", fmt.Sprintf("%s = %v (%s)", pid, v.Value, inv.sourceName(v.Source)))
		}
	}
	fmt.Fprintln(x.w)
	return true
}

// parameter explains a parameter: description, basis, unit, direction,
// value on the day, its dated values and the rules that read it.
func (x *explainer) parameter(id string) bool {
	var p *rules.Parameter
	for _, c := range x.rs.Parameters() {
		if c.ID == id {
			p = c
		}
	}
	if p == nil {
		return false
	}
	inv := x.inv
	x.heading(id, rules.Text{PL: "parametr", EN: "parameter"})
	x.both("opis", "description", p.Description)
	x.glossaryRow(id, "Parameters", "")
	x.line("podstawa prawna", "legal basis", p.Basis)
	x.line("jednostka", "unit", p.Unit.Text().In(inv.lang))
	dir := map[rules.Direction]rules.Text{
		rules.Ceiling: {PL: "maksimum ustawowe: plik może je tylko obniżyć", EN: "a statutory ceiling: a file may only lower it"},
		rules.Floor:   {PL: "minimum ustawowe: plik może je tylko podwyższyć", EN: "a statutory floor: a file may only raise it"},
		rules.Policy:  {PL: "polityka lokalna: plik ustala ją w zakresie", EN: "local policy: a file sets it within its range"},
	}[p.Direction]
	x.line("kierunek", "direction", dir.In(inv.lang))
	if p.Type == rules.TypeInt {
		x.line("zakres w pliku", "range in a file", fmt.Sprintf("%d–%d", p.Min, p.Max))
	}
	if v, ok := x.rs.Param(id, x.day); ok {
		x.line("w dniu "+x.day.String(), "on "+x.day.String(), fmt.Sprintf("%v (%s)", v.Value, inv.sourceName(v.Source)))
	}
	fmt.Fprintf(x.w, "  %s\n", inv.tr("historia:", "history:"))
	for _, h := range x.history(p) {
		to := ""
		if !h.To.IsZero() {
			to = h.To.String()
		}
		fmt.Fprintf(x.w, "    %s – %-10s  %v (%s)\n", h.From, to, h.Value, inv.sourceName(h.Source))
	}
	var readers []string
	for _, prog := range x.rs.Programs() {
		for _, l := range rules.Lifecycles {
			if slices.Contains(prog.Params(l), id) {
				readers = append(readers, prog.ID()+" ("+strings.Join(triggerNames(prog.Triggers()), ", ")+")")
				break
			}
		}
	}
	if len(readers) == 0 {
		readers = []string{inv.tr("żadna reguła; czytają go ocena obciążenia i normy zatrudnienia (caseload)",
			"no rule; caseload reads it (loads and staffing norms)")}
	}
	x.line("czytają go reguły", "read by", strings.Join(readers, "; "))
	fmt.Fprintln(x.w)
	return true
}

// history returns the periods of a parameter's value under the statute and
// the files: the value on every day a value starts or ends, merged where
// it does not change.
func (x *explainer) history(p *rules.Parameter) []rules.ParamValue {
	starts := []rules.Date{rules.StatuteStart}
	add := func(v rules.Value) {
		if !v.From.IsZero() {
			starts = append(starts, v.From)
		}
		if !v.To.IsZero() {
			starts = append(starts, v.To.AddDays(1))
		}
	}
	for _, v := range p.History {
		add(v)
	}
	for _, c := range x.rs.Configs() {
		for _, o := range c.Parameters {
			if o.ID == p.ID {
				for _, v := range o.Values {
					add(v)
				}
			}
		}
	}
	slices.SortFunc(starts, rules.Date.Compare)
	starts = slices.Compact(starts)
	var out []rules.ParamValue
	for _, d := range starts {
		v, ok := x.rs.Param(p.ID, d)
		if !ok {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Value == v.Value && out[n-1].Source == v.Source {
			continue
		}
		if n := len(out); n > 0 {
			out[n-1].To = d.AddDays(-1)
		}
		v.From, v.To = d, rules.Date{}
		out = append(out, v)
	}
	return out
}

// trigger explains every trigger id names ("assess" names two): roles,
// arguments, paths, obligations and the rules on it.
func (x *explainer) trigger(id string) bool {
	inv := x.inv
	ts := rules.ResolveTrigger(id)
	for _, t := range ts {
		info, ok := workflow.Describe(t.Lifecycle, t.Name)
		if !ok {
			continue
		}
		x.heading(t.String(), rules.Text{PL: "wyzwalacz cyklu " + string(t.Lifecycle), EN: "trigger of the " + string(t.Lifecycle) + " lifecycle"})
		x.glossaryRow(t.Name, "Triggers", string(t.Lifecycle))
		if info.Internal {
			x.line("uruchamia", "fired by", inv.tr("silnik, sam (nie użytkownik)", "the engine itself, never a user"))
		}
		roles := make([]string, len(info.Roles))
		for i, r := range info.Roles {
			roles[i] = string(r)
		}
		if len(roles) > 0 {
			who := strings.Join(roles, ", ")
			if info.Assigned {
				who += inv.tr(" (asystent tylko we własnej rodzinie)", " (an assistant only on their own family)")
			}
			x.line("role", "roles", who)
		}
		for _, a := range info.Args {
			s := a.Name
			if a.Required {
				s += inv.tr(" (wymagany)", " (required)")
			}
			if len(a.Values) > 0 {
				s += ": " + strings.Join(a.Values, ", ")
			}
			x.line("argument", "argument", s)
		}
		for _, p := range info.Paths {
			x.line("przejście", "path", x.pathText(p))
		}
		for _, d := range info.Opens {
			x.line("otwiera", "opens", d.Obligation+" ("+d.Rule+")")
		}
		for _, o := range info.Closes {
			x.line("zamyka", "closes", o)
		}
		var on []string
		for _, p := range x.rs.ProgramsOn(t) {
			if r := p.Rule(); r.InForce(x.day) {
				on = append(on, r.ID+" ("+r.Kind.String()+")")
			}
		}
		if len(on) > 0 {
			x.line("reguły w dniu "+x.day.String(), "rules on "+x.day.String(), strings.Join(on, ", "))
		}
		fmt.Fprintln(x.w)
	}
	return len(ts) > 0
}

// pathText writes a path as "from, from → to" in the invocation's
// language.
func (x *explainer) pathText(p workflow.PathInfo) string {
	from := make([]string, len(p.From))
	for i, s := range p.From {
		from[i] = x.stateName(s)
	}
	to := x.inv.tr("bez zmiany stanu", "itself")
	if !p.Stays {
		names := make([]string, len(p.To))
		for i, s := range p.To {
			names[i] = x.stateName(s)
		}
		to = strings.Join(names, " | ")
	}
	s := strings.Join(from, ", ") + " → " + to
	if p.Condition != "" {
		s += " [" + p.Condition + "]"
	}
	return s
}

// stateName writes a state; the empty state is a family with no case.
func (x *explainer) stateName(s workflow.State) string {
	if s == "" {
		return x.inv.tr("(brak sprawy)", "(no case)")
	}
	return string(s)
}

// state explains a state of any lifecycle: the glossary's row and the
// triggers that enter and leave it.
func (x *explainer) state(id string) bool {
	found := false
	for _, l := range rules.Lifecycles {
		st := workflow.State(id)
		if id == "" || !slices.Contains(workflow.States(l), st) {
			continue
		}
		found = true
		x.heading(id, rules.Text{PL: "stan cyklu " + string(l), EN: "state of the " + string(l) + " lifecycle"})
		x.glossaryRow(id, "Lifecycles", string(l))
		var in, out []string
		for _, t := range rules.Triggers() {
			if t.Lifecycle != l {
				continue
			}
			info, _ := workflow.Describe(l, t.Name)
			for _, p := range info.Paths {
				if slices.ContainsFunc(p.From, func(f workflow.State) bool { return f != "" && (st.In(f) || f.In(st)) }) {
					out = append(out, t.Name)
				}
				if slices.ContainsFunc(p.To, func(s workflow.State) bool { return s.In(st) }) {
					in = append(in, t.Name)
				}
			}
		}
		x.line("wchodzą do niego", "entered by", list(slices.Compact(in)))
		x.line("wyzwalacze w nim dozwolone", "triggers permitted in it", list(slices.Compact(out)))
		fmt.Fprintln(x.w)
	}
	return found
}

// list joins names, or writes "—" for none.
func list(names []string) string {
	if len(names) == 0 {
		return "—"
	}
	return strings.Join(names, ", ")
}

// obligation explains an obligation: its names, the triggers that open it
// (with the due rule) and close it.
func (x *explainer) obligation(id string) bool {
	if !slices.Contains(workflow.Obligations, id) {
		return false
	}
	x.heading(id, rules.Text{PL: "obowiązek (termin)", EN: "obligation (deadline)"})
	x.both("nazwa", "name", workflow.ObligationLabel(id))
	x.glossaryRow(id, "Obligations", "")
	var opens, closes []string
	for _, t := range rules.Triggers() {
		info, _ := workflow.Describe(t.Lifecycle, t.Name)
		for _, d := range info.Opens {
			if d.Obligation == id {
				opens = append(opens, t.String()+" ("+d.Rule+")")
			}
		}
		if slices.Contains(info.Closes, id) {
			closes = append(closes, t.String())
		}
	}
	x.line("otwierają (reguła terminu)", "opened by (due rule)", list(opens))
	x.line("zamykają", "closed by", list(closes)+x.inv.tr("; także każdy stan końcowy sprawy", "; also any final state of the case"))
	fmt.Fprintln(x.w)
	return true
}

// role explains a role: the glossary's row and the triggers it may fire.
func (x *explainer) role(id string) bool {
	r := workflow.Role(id)
	if !r.Valid() {
		return false
	}
	x.heading(id, rules.Text{PL: "rola", EN: "role"})
	x.glossaryRow(id, "Roles", "")
	var may []string
	for _, t := range rules.Triggers() {
		if slices.Contains(workflow.RolesFor(t.Lifecycle, t.Name), r) {
			may = append(may, t.String())
		}
	}
	x.line("może uruchomić", "may fire", list(may))
	fmt.Fprintln(x.w)
	return true
}

// names lists every identifier explain knows, for suggestions.
func (x *explainer) names() []string {
	var out []string
	for _, p := range x.rs.Programs() {
		out = append(out, p.ID())
	}
	for _, p := range x.rs.Parameters() {
		out = append(out, p.ID)
	}
	for _, t := range rules.Triggers() {
		out = append(out, t.String(), t.Name)
	}
	for _, l := range rules.Lifecycles {
		for _, s := range workflow.States(l) {
			if s != "" {
				out = append(out, string(s))
			}
		}
	}
	out = append(out, workflow.Obligations...)
	for _, r := range workflow.Roles {
		out = append(out, string(r))
	}
	sort.Strings(out)
	return slices.Compact(out)
}
