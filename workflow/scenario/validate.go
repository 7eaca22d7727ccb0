package scenario

import (
	"slices"
	"sort"
	"strings"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Validate checks a scenario's substance and references against itself
// and the rule set (nil: rules are not checked): IDs that are not empty,
// declared once and used consistently; roles, foster-family forms, FTE
// and difficulty in range; employment periods that do not end before they
// start; at least one step, each dated on or after [rules.StatuteStart]
// and in date order, with a case and an actor when it fires a trigger;
// outcomes and check kinds that exist; triggers, states and obligations
// that exist, and denied rules that exist and govern the step's trigger.
// It returns every problem found, each at the position of the value, the
// declaration, step or check (for a [Story], its Go line).
func Validate(s *Scenario, rs *rules.RuleSet) rules.Errors {
	v := &validator{s: s, rs: rs, cases: map[string]rules.Lifecycle{}, workers: map[string]bool{}}
	v.values()
	v.declared()
	if len(s.Steps) == 0 {
		if f, ok := s.at["steps"]; ok || s.at == nil {
			p := v.or(s.origin)
			if ok {
				p = f.pos
			}
			v.fail(p, "", rules.CodeMissing, "brak kroków: scenariusz potrzebuje co najmniej jednego kroku (steps)",
				"no steps: a scenario needs at least one step (steps)")
		}
	}
	var last rules.Date
	for i, st := range s.Steps {
		if p, ok := v.given("steps", i, "at", st.Pos); ok && !st.At.IsZero() && st.At.Before(rules.StatuteStart) {
			v.fail(p, "", rules.CodeOutOfRange, "data %s jest przed wejściem w życie ustawy (%s): podaj datę od %s",
				"the date %s is before the statute applies (%s): give a date from %s", st.At, rules.StatuteStart, rules.StatuteStart)
		}
		if !st.At.IsZero() && st.At.Before(last) {
			v.fail(st.Pos, "", CodeOutOfOrder, "krok z %s jest przed poprzednim (%s): kroki muszą iść w kolejności dat",
				"the step dated %s comes before the previous one (%s): steps must be in date order", st.At, last)
		}
		if st.At.After(last) {
			last = st.At
		}
		v.step(i, st)
	}
	return v.errs
}

// given returns where the key of the i-th item of list is written and
// whether its value is to be checked. In a parsed file, it is checked when
// the key is written and the decoder has not already reported its value (a
// missing required key is reported by the decoder). In a scenario built by
// hand every value is checked, at the item's position.
func (v *validator) given(list string, i int, key string, item Pos) (Pos, bool) {
	if v.s.at == nil {
		return v.or(item), true
	}
	f, ok := v.s.at[fieldKey(list, i, key)]
	return f.pos, ok && !f.bad
}

// parsed reports whether the scenario comes from a file.
func (v *validator) parsed() bool { return v.s.at != nil }

// minBornYear is the earliest year of birth the engine takes
// (workflow.Engine.DeclareChild refuses earlier ones).
const minBornYear = 1900

// MaxFTE is the largest FTE (etat) a worker may be declared with,
// [workflow.MaxFTE]. FTE must be above 0; in a file, fte: 0 is a problem,
// in Go a zero FTE means full time.
const MaxFTE = workflow.MaxFTE

// values checks the declared values: IDs not empty, roles and forms that
// exist, FTE and difficulty in range, and employment periods.
func (v *validator) values() {
	emptyID := func(list string, i int, p Pos, id string) {
		p, ok := v.given(list, i, "id", p)
		switch {
		case !ok:
		case id == "":
			v.fail(p, "", rules.CodeMissing, "%s: pusty identyfikator (id); podaj go", "%s: an empty ID (id); give one", list)
		case !workflow.PlainText(id):
			// The engine would refuse it when the world is set up, nowhere.
			v.fail(p, "", rules.CodeBadValue, "%s: identyfikator zawiera znak sterujący; usuń go",
				"%s: the ID contains a control character; remove it", list)
		}
	}
	for i, w := range v.s.Workers {
		item := v.at(v.s.workerPos, i)
		emptyID("workers", i, item, w.ID)
		if p, ok := v.given("workers", i, "role", item); ok && !w.Role.Valid() {
			v.fail(p, w.ID, rules.CodeBadValue, "nieznana rola %q; dozwolone: %s", "unknown role %q; allowed: %s",
				w.Role, roleNames())
		}
		if p, ok := v.given("workers", i, "fte", item); ok && (v.parsed() || w.FTE != 0) && !(w.FTE > 0 && w.FTE <= MaxFTE) {
			v.fail(p, w.ID, rules.CodeOutOfRange, "fte (etat) musi być większy od 0 i nie większy niż %g", "fte must be above 0 and at most %g",
				MaxFTE)
		}
		p, ok := v.given("workers", i, "to", item)
		if _, fromOK := v.given("workers", i, "from", item); ok && fromOK && !w.From.IsZero() && !w.To.IsZero() && w.To.Before(w.From) {
			v.fail(p, w.ID, rules.CodeBadDate, "to (%s) jest przed from (%s)", "to (%s) is before from (%s)", w.To, w.From)
		}
	}
	for i, id := range v.s.Institutions {
		emptyID("institutions", i, v.at(v.s.institutionPos, i), id)
		if kind, ok := v.s.InstitutionKinds[id]; ok && !slices.Contains(workflow.InstitutionKinds, kind) {
			p, _ := v.given("institutions", i, "kind", v.at(v.s.institutionPos, i))
			v.fail(p, id, rules.CodeBadValue, "nieznany rodzaj placówki %q; dozwolone: %s", "unknown institution kind %q; allowed: %s",
				kind, strings.Join(workflow.InstitutionKinds, ", "))
		}
	}
	for i, f := range v.s.Families {
		emptyID("families", i, f.Pos, f.ID)
		if p, ok := v.given("families", i, "difficulty", f.Pos); ok && (v.parsed() || f.Difficulty != 0) &&
			!(f.Difficulty > 0 && f.Difficulty <= 100) {
			v.fail(p, f.ID, rules.CodeOutOfRange, "trudność musi być większa od 0 i nie większa niż 100",
				"difficulty must be above 0 and at most 100")
		}
	}
	for i, c := range v.s.Children {
		emptyID("children", i, c.Pos, c.ID)
		if p, ok := v.given("children", i, "family", c.Pos); ok && c.Family == "" {
			v.fail(p, c.ID, rules.CodeMissing, "pusta rodzina dziecka (family); podaj zadeklarowaną rodzinę",
				"the child's family is empty (family); give a declared family")
		}
		if p, ok := v.given("children", i, "born", c.Pos); ok && !c.Born.IsZero() && (!c.Born.Writable() || c.Born.Year < minBornYear) {
			// The engine would refuse it when the world is set up, nowhere.
			// A date of birth is personal data: the message does not repeat it.
			v.fail(p, c.ID, rules.CodeBadDate, "data urodzenia (born) musi być istniejącym dniem roku od %d do 9999",
				"the date of birth (born) must be a real day of a year from %d to 9999", minBornYear)
		}
	}
	for i, f := range v.s.FosterFamilies {
		emptyID("foster_families", i, f.Pos, f.ID)
		p, ok := v.given("foster_families", i, "form", f.Pos)
		switch {
		case !ok:
		case f.Form == "":
			v.fail(p, f.ID, rules.CodeMissing, "pusta forma (form); dozwolone: %s", "an empty form (form); allowed: %s",
				strings.Join(fosterForms, ", "))
		case !slices.Contains(fosterForms, f.Form):
			v.fail(p, f.ID, rules.CodeBadValue, "nieznana forma %q; dozwolone: %s", "unknown form %q; allowed: %s",
				f.Form, strings.Join(fosterForms, ", "))
		}
	}
}

// roleNames lists the roles a worker may have.
func roleNames() string {
	names := make([]string, len(workflow.Roles))
	for i, r := range workflow.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
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

func (v *validator) step(i int, st Step) {
	if !st.Expect.Outcome.valid() {
		v.fail(v.or(st.Expect.Pos), "", rules.CodeBadValue, "nieznany wynik %s; dozwolone: %s", "unknown outcome %s; allowed: %s",
			st.Expect.Outcome, strings.Join(outcomeNames, ", "))
	}
	if st.Do != "" {
		v.stepDo(i, st)
	} else if st.Case != "" {
		v.knownCase(st.Pos, st.Case)
	}
	for _, c := range st.Checks {
		v.check(c)
	}
}

func (v *validator) stepDo(i int, st Step) {
	for _, kv := range [2][2]string{{"case", st.Case}, {"by", st.By}} {
		if p, ok := v.given("steps", i, kv[0], v.or(st.Pos)); ok && kv[1] == "" {
			v.fail(p, st.Do, rules.CodeMissing, "krok z do wymaga niepustego %s", "a step with do needs a non-empty %s", kv[0])
		}
	}
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
			v.fail(p, r, CodeRuleNotApplicable, "reguła nie dotyczy wyzwalacza %s.%s; zob. docs/rules.md",
				"the rule does not apply to %s.%s; see docs/rules.md", l, st.Do)
		case st.Expect.Outcome == ExpectWarned && (prog.Rule().Kind != rules.KindGuard || prog.Rule().Severity != rules.Warn):
			// Only a guard of severity warn warns.
			v.fail(p, r, CodeRuleNotApplicable, "reguła nie jest ostrzeżeniem (kind: guard, severity: warn), więc nie może ostrzec; zob. docs/rules.md",
				"the rule is not a warning (kind: guard, severity: warn), so it cannot warn; see docs/rules.md")
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
	if !c.Kind.valid() {
		v.fail(v.or(c.Pos), "", rules.CodeBadValue, "nieznany rodzaj sprawdzenia %s; dozwolone: %s", "unknown kind of check %s; allowed: %s",
			c.Kind, strings.Join(checkNames, ", "))
		return
	}
	switch c.Kind {
	case CheckDue, CheckNotDue, CheckOverdue:
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
