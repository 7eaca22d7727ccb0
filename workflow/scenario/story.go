package scenario

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Story writes a scenario in Go, for tests that prefer code to YAML. It
// builds the same [Scenario] a file would, and failures are reported at the
// Go line of the step that failed:
//
//	st := scenario.NewStory("cap of 15 families from 2015").
//		Worker("SW1", workflow.SocialWorker).Worker("H1", workflow.OPSHead).
//		Family("F01", 1)
//	st.At("2016-03-01").Do("F01", "refer").By("SW1")
//	st.At("2016-03-20").Do("F01", "assign_assistant").By("H1").With("assistant", "A1").
//		Denied("assistant.basis_required")
//	st.Test(t)
//
// A Story is not safe for concurrent use.
type Story struct {
	s    *Scenario
	rs   *rules.RuleSet
	errs rules.Errors
}

// NewStory starts a story with a name.
func NewStory(name string) *Story { return &Story{s: &Scenario{Name: name, origin: caller(2)}} }

// Rules plays the story under rs instead of the statute.
func (st *Story) Rules(rs *rules.RuleSet) *Story { st.rs = rs; return st }

// Worker declares a worker with a role (full time).
func (st *Story) Worker(id string, role workflow.Role) *Story {
	return st.staff(workflow.Worker{ID: id, Role: role}, caller(2))
}

// Staff declares a worker with every detail.
func (st *Story) Staff(w workflow.Worker) *Story { return st.staff(w, caller(2)) }

func (st *Story) staff(w workflow.Worker, p Pos) *Story {
	st.s.Workers, st.s.workerPos = append(st.s.Workers, w), append(st.s.workerPos, p)
	return st
}

// Family declares a family with its difficulty (0: 1.0).
func (st *Story) Family(id string, difficulty float64) *Story {
	if difficulty == 0 {
		difficulty = 1
	}
	st.s.Families = append(st.s.Families, Family{Pos: caller(2), ID: id, Difficulty: difficulty})
	return st
}

// Child declares a child of a family, born on a date (YYYY-MM-DD).
func (st *Story) Child(id, family, born string) *Story {
	d, err := rules.ParseDate(born)
	if err != nil {
		// A date of birth is personal data: the problem names the position,
		// never the value, and does not wrap the parser's error (it quotes it).
		p := caller(2)
		st.errs = append(st.errs, &rules.Error{File: p.File, Line: p.Line, Code: rules.CodeBadDate,
			Msg: rules.Text{PL: "born: błędna data, oczekiwano RRRR-MM-DD", EN: "born: bad date, want YYYY-MM-DD"}})
	}
	st.s.Children = append(st.s.Children, Child{Pos: caller(2), ID: id, Family: family, Born: d})
	return st
}

// FosterFamily declares a qualified foster family of a form.
func (st *Story) FosterFamily(id, form string) *Story {
	st.s.FosterFamilies = append(st.s.FosterFamilies, FosterFamily{Pos: caller(2), ID: id, Form: form})
	return st
}

// Institution declares an institution of the default kind (socialising).
func (st *Story) Institution(id string) *Story {
	st.s.Institutions, st.s.institutionPos = append(st.s.Institutions, id), append(st.s.institutionPos, caller(2))
	return st
}

// InstitutionOfKind declares an institution of a kind: socialising,
// intervention, specialist_therapeutic or family_type (art. 101 UWR).
func (st *Story) InstitutionOfKind(id, kind string) *Story {
	st.s.Institutions, st.s.institutionPos = append(st.s.Institutions, id), append(st.s.institutionPos, caller(2))
	if st.s.InstitutionKinds == nil {
		st.s.InstitutionKinds = map[string]string{}
	}
	st.s.InstitutionKinds[id] = kind
	return st
}

// At starts a step dated on (YYYY-MM-DD).
func (st *Story) At(on string) *StepBuilder {
	st.s.Steps = append(st.s.Steps, Step{Pos: caller(2), At: st.date(on)})
	return &StepBuilder{st: st, i: len(st.s.Steps) - 1}
}

// Scenario returns the scenario the story has built so far, or the
// problems found in it, each at the Go line that wrote it: bad dates,
// unknown or empty IDs, unknown roles or forms, a difficulty or FTE out of
// range (NaN included), a child without a family, a step that fires a
// trigger without a case or an actor, steps out of order or before the
// statute, and no steps at all (see [Validate]).
func (st *Story) Scenario() (*Scenario, *rules.RuleSet, error) {
	rs := st.rs
	if rs == nil {
		rs = rules.Statute()
	}
	errs := append(append(rules.Errors{}, st.errs...), Validate(st.s, rs)...)
	if len(errs) > 0 {
		return nil, nil, errs
	}
	return st.s, rs, nil
}

// Test validates and plays the story, reporting failures to t.
func (st *Story) Test(t *testing.T) {
	t.Helper()
	s, rs, err := st.Scenario()
	if err != nil {
		report(t, rules.English, nil, err)
		return
	}
	rep, err := s.Run(t.Context(), rs)
	report(t, rules.English, rep, err)
}

func (st *Story) date(s string) rules.Date {
	d, err := rules.ParseDate(s)
	if err != nil {
		p := caller(3)
		st.errs = append(st.errs, &rules.Error{File: p.File, Line: p.Line, Code: rules.CodeBadDate, Err: err,
			Msg: rules.Text{PL: fmt.Sprintf("błędna data %q", s), EN: fmt.Sprintf("bad date %q", s)}})
	}
	return d
}

// caller returns the position skip frames up.
func caller(skip int) Pos {
	_, file, line, _ := runtime.Caller(skip)
	return Pos{File: file, Line: line}
}

// StepBuilder adds a trigger, an expectation and checks to one step.
type StepBuilder struct {
	st *Story
	i  int
}

func (b *StepBuilder) step() *Step { return &b.st.s.Steps[b.i] }

// Do fires a trigger on a case.
func (b *StepBuilder) Do(caseID, trigger string) *StepBuilder {
	s := b.step()
	s.Case, s.Do, s.Expect.Pos = caseID, trigger, caller(2)
	return b
}

// By names the worker firing the trigger.
func (b *StepBuilder) By(worker string) *StepBuilder { b.step().By = worker; return b }

// With adds an argument.
func (b *StepBuilder) With(name string, value any) *StepBuilder {
	s := b.step()
	if s.With == nil {
		s.With = workflow.Args{}
	}
	s.With[name] = value
	return b
}

func (b *StepBuilder) expect(o Outcome, ids ...string) *StepBuilder {
	b.step().Expect = Expect{Pos: caller(3), Outcome: o, Rules: ids}
	return b
}

// Denied expects a refusal naming at least these rules.
func (b *StepBuilder) Denied(ruleIDs ...string) *StepBuilder {
	return b.expect(ExpectDenied, ruleIDs...)
}

// Warned expects success with warnings, these rules among them.
func (b *StepBuilder) Warned(ruleIDs ...string) *StepBuilder {
	return b.expect(ExpectWarned, ruleIDs...)
}

// Forbidden expects the actor's role to be refused.
func (b *StepBuilder) Forbidden() *StepBuilder { return b.expect(ExpectForbidden) }

// Invalid expects the trigger not to be permitted in the state.
func (b *StepBuilder) Invalid() *StepBuilder { return b.expect(ExpectInvalid) }

// ArgumentError expects an argument to be refused.
func (b *StepBuilder) ArgumentError() *StepBuilder { return b.expect(ExpectArgument) }

func (b *StepBuilder) add(c Check) *StepBuilder {
	c.Pos = caller(3)
	b.step().Checks = append(b.step().Checks, c)
	return b
}

// State checks a case's state (a superstate matches its substates).
func (b *StepBuilder) State(caseID, state string) *StepBuilder {
	return b.add(Check{Kind: CheckState, Case: caseID, State: state})
}

// Due checks an open obligation's due date.
func (b *StepBuilder) Due(caseID, obligation, date string) *StepBuilder {
	return b.add(Check{Kind: CheckDue, Case: caseID, Obligation: obligation, Date: b.st.date(date)})
}

// NotDue checks that an obligation is not open.
func (b *StepBuilder) NotDue(caseID, obligation string) *StepBuilder {
	return b.add(Check{Kind: CheckNotDue, Case: caseID, Obligation: obligation})
}

// Overdue checks that an obligation is open and overdue on the step's date.
func (b *StepBuilder) Overdue(caseID, obligation string) *StepBuilder {
	return b.add(Check{Kind: CheckOverdue, Case: caseID, Obligation: obligation})
}

// Load checks the number of families (or foster families) counted toward a
// worker's cap.
func (b *StepBuilder) Load(worker string, n int) *StepBuilder {
	return b.add(Check{Kind: CheckLoad, Worker: worker, Load: n})
}
