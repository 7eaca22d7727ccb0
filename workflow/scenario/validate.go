package scenario

import (
	"slices"
	"sort"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Validate checks a scenario's references against itself and the rule set
// (nil: rules are not checked):
// declared IDs used consistently, steps in date order, triggers, states,
// obligations and rules that exist. It returns every problem found.
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
	pos := Pos{File: v.s.File, Line: 1, Col: 1}
	add := func(id string, l rules.Lifecycle) {
		if _, dup := v.cases[id]; dup || v.workers[id] {
			v.fail(pos, id, rules.CodeDuplicate, "identyfikator zadeklarowano dwa razy", "the ID is declared twice")
		}
		v.cases[id] = l
	}
	for _, w := range v.s.Workers {
		v.workers[w.ID] = true
	}
	for _, f := range v.s.Families {
		add(f.ID, rules.LifecycleFamily)
	}
	for _, f := range v.s.FosterFamilies {
		add(f.ID, rules.LifecycleFosterFamily)
	}
	for _, c := range v.s.Children {
		add(c.ID, rules.LifecycleChild)
		if l, ok := v.cases[c.Family]; !ok || l != rules.LifecycleFamily {
			v.fail(pos, c.ID, CodeUnknownID, "rodzina %q dziecka nie jest zadeklarowana", "the child's family %q is not declared", c.Family)
		}
	}
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
	if !v.workers[st.By] {
		v.fail(st.Pos, st.By, CodeUnknownID, "pracownik %q (by) nie jest zadeklarowany", "worker %q (by) is not declared", st.By)
	}
	l, ok := v.knownCase(st.Pos, st.Case)
	if ok && !slices.Contains(workflow.Triggers(l), st.Do) {
		v.fail(st.Pos, st.Do, rules.CodeUnknownTrigger, "cykl %s nie ma wyzwalacza %q", "lifecycle %s has no trigger %q", l, st.Do)
	}
	for _, r := range st.Expect.Rules {
		if v.rs == nil {
			break // the configuration did not load: its problems are reported
		}
		if _, ok := v.rs.Program(r); !ok {
			v.fail(st.Expect.Pos, r, CodeUnknownRule, "nieznana reguła; zob. asysta params i docs/rules.md", "unknown rule; see docs/rules.md")
		}
	}
}

func (v *validator) knownCase(p Pos, id string) (rules.Lifecycle, bool) {
	l, ok := v.cases[id]
	if !ok {
		v.fail(p, id, CodeUnknownID, "sprawa %q nie jest zadeklarowana (families, children, foster_families)",
			"case %q is not declared (families, children, foster_families)", id)
	}
	return l, ok
}

func (v *validator) check(c Check) {
	switch c.Kind {
	case CheckLoad:
		if !v.workers[c.Worker] {
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
	if !slices.Contains(workflow.Obligations, c.Obligation) {
		v.fail(c.Pos, c.Obligation, CodeUnknownObligation, "nieznany obowiązek; znane: %v", "unknown obligation; known: %v", workflow.Obligations)
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
