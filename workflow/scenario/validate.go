package scenario

import (
	"slices"
	"sort"
	"strings"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Validate checks a scenario's references against itself and the rule set
// (nil: rules are not checked): IDs declared once and used consistently,
// steps in date order, triggers, states and obligations that exist, and
// denied rules that exist and govern the step's trigger. It returns every
// problem found, each at the position of the declaration, step or check.
func Validate(s *Scenario, rs *rules.RuleSet) rules.Errors {
	v := &validator{s: s, rs: rs, cases: map[string]rules.Lifecycle{}, workers: map[string]bool{}}
	v.declared()
	var last rules.Date
	for _, st := range s.Steps {
		if !st.At.IsZero() && st.At.Before(last) {
			v.fail(st.Pos, "", CodeOutOfOrder, "krok z %s jest przed poprzednim (%s): kroki muszą iść w kolejności dat",
				"the step dated %s comes before the previous one (%s): steps must be in date order", st.At, last)
		}
		if st.At.After(last) {
			last = st.At
		}
		v.step(st)
	}
	return v.errs
}

type validator struct {
	s       *Scenario
	rs      *rules.RuleSet
	cases   map[string]rules.Lifecycle
	workers map[string]bool
	errs    rules.Errors
}

func (v *validator) fail(p Pos, id string, code rules.Code, pl, en string, a ...any) {
	d := decoder{file: p.File}
	d.failAt(p, id, code, pl, en, a...)
	v.errs = append(v.errs, d.errs...)
}

func (v *validator) declared() {
	type decl struct {
		p  Pos
		id string
	}
	var all []decl
	for i, w := range v.s.Workers {
		all = append(all, decl{v.at(v.s.workerPos, i), w.ID})
		v.workers[w.ID] = true
	}
	for i, id := range v.s.Institutions {
		all = append(all, decl{v.at(v.s.institutionPos, i), id})
	}
	for _, f := range v.s.Families {
		all = append(all, decl{v.or(f.Pos), f.ID})
		v.cases[f.ID] = rules.LifecycleFamily
	}
	for _, f := range v.s.FosterFamilies {
		all = append(all, decl{v.or(f.Pos), f.ID})
		v.cases[f.ID] = rules.LifecycleFosterFamily
	}
	for _, c := range v.s.Children {
		all = append(all, decl{v.or(c.Pos), c.ID})
		if l, ok := v.cases[c.Family]; c.Family != "" && (!ok || l != rules.LifecycleFamily) {
			v.fail(v.or(c.Pos), c.ID, CodeUnknownID, "rodzina %q dziecka nie jest zadeklarowana", "the child's family %q is not declared", c.Family)
		}
	}
	for _, c := range v.s.Children {
		v.cases[c.ID] = rules.LifecycleChild
	}
	// The second declaration of an ID, in the order of the file, is the
	// duplicate.
	sort.SliceStable(all, func(i, j int) bool { return before(all[i].p, all[j].p) })
	seen := map[string]bool{}
	for _, d := range all {
		if d.id != "" && seen[d.id] {
			v.fail(d.p, d.id, rules.CodeDuplicate, "identyfikator zadeklarowano dwa razy", "the ID is declared twice")
		}
		seen[d.id] = true
	}
}

// before orders positions by file, line and column.
func before(a, b Pos) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.Col < b.Col
}

// at returns the i-th position of a declaration list, or the file's.
func (v *validator) at(ps []Pos, i int) Pos {
	if i < len(ps) {
		return v.or(ps[i])
	}
	return v.or(Pos{})
}

// or returns p, or the scenario's file when p is unknown.
func (v *validator) or(p Pos) Pos {
	if p.File == "" && p.Line == 0 {
		return Pos{File: v.s.File}
	}
	return p
}

func (v *validator) step(st Step) {
	if st.Do != "" {
		v.stepDo(st)
	} else if st.Case != "" {
		v.knownCase(st.Pos, st.Case)
	}
	for _, c := range st.Checks {
		v.check(c)
	}
}

func (v *validator) stepDo(st Step) {
	if st.By != "" && !v.workers[st.By] {
		v.fail(st.Pos, st.By, CodeUnknownID, "pracownik %q (by) nie jest zadeklarowany", "worker %q (by) is not declared", st.By)
	}
	l, ok := v.knownCase(st.Pos, st.Case)
	if ok && !slices.Contains(workflow.Triggers(l), st.Do) {
		v.fail(st.Pos, st.Do, rules.CodeUnknownTrigger, "cykl %s nie ma wyzwalacza %q", "lifecycle %s has no trigger %q", l, st.Do)
	}
	for i, r := range st.Expect.Rules {
		if v.rs == nil {
			break // the configuration did not load: its problems are reported
		}
		p := st.Expect.Pos
		if i < len(st.Expect.rulePos) {
			p = st.Expect.rulePos[i]
		}
		prog, found := v.rs.Program(r)
		switch {
		case r == "":
		case !found:
			v.fail(p, r, CodeUnknownRule, "nieznana reguła; zob. docs/rules.md", "unknown rule; see docs/rules.md")
		case ok && !slices.Contains(prog.Triggers(), rules.Trigger{Lifecycle: l, Name: st.Do}):
			// The denial could never hold: the rule does not govern the trigger.
			v.fail(p, r, CodeUnknownRule, "reguła nie dotyczy wyzwalacza %s.%s", "the rule does not apply to %s.%s", l, st.Do)
		}
	}
}

func (v *validator) knownCase(p Pos, id string) (rules.Lifecycle, bool) {
	l, ok := v.cases[id]
	if !ok && id != "" {
		v.fail(p, id, CodeUnknownID, "sprawa %q nie jest zadeklarowana (families, children, foster_families)",
			"case %q is not declared (families, children, foster_families)", id)
	}
	return l, ok
}

func (v *validator) check(c Check) {
	switch c.Kind {
	case CheckLoad:
		if c.Worker != "" && !v.workers[c.Worker] {
			v.fail(c.Pos, c.Worker, CodeUnknownID, "pracownik %q nie jest zadeklarowany", "worker %q is not declared", c.Worker)
		}
		return
	case CheckState:
		if l, ok := v.knownCase(c.Pos, c.Case); ok && !slices.Contains(workflow.States(l), workflow.State(c.State)) {
			v.fail(c.Pos, c.State, CodeUnknownState, "cykl %s nie ma stanu %q", "lifecycle %s has no state %q", l, c.State)
		}
		return
	}
	v.knownCase(c.Pos, c.Case)
	if c.Obligation != "" && !slices.Contains(workflow.Obligations, c.Obligation) {
		known := strings.Join(workflow.Obligations, ", ")
		v.fail(c.Pos, c.Obligation, CodeUnknownObligation, "nieznany obowiązek; znane: %s", "unknown obligation; known: %s", known)
	}
}

func sortedIDs[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortChecks(cs []Check) {
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].Pos.Line != cs[j].Pos.Line {
			return cs[i].Pos.Line < cs[j].Pos.Line
		}
		return cs[i].Pos.Col < cs[j].Pos.Col
	})
}
