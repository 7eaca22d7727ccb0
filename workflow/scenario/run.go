package scenario

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Report is the result of running one scenario.
type Report struct {
	File     string
	Name     string
	Steps    int // steps run
	Failures []Failure
	// Trace explains each step that fires a trigger, in order; it is
	// filled only for a scenario parsed [WithTrace].
	Trace []StepTrace
}

// StepTrace is what one step's trigger did: the rules consulted with their
// results, the parameters they read with value and source, and the
// obligations the trigger opened, renewed and closed on the case.
type StepTrace struct {
	Pos     Pos
	At      rules.Date
	Case    string
	Trigger string
	By      string
	// Result is "success" or the refusal, in Polish and English.
	Result rules.Text
	// Decision is the rules' explained decision; nil when the trigger was
	// refused before the rules were consulted (forbidden, invalid, an
	// argument error).
	Decision *rules.Decision
	// Opened lists the obligations opened or renewed (a new due date),
	// Closed those no longer open; both empty on a refusal.
	Opened, Closed []workflow.Obligation
}

// Passed reports whether every expectation held.
func (r *Report) Passed() bool { return len(r.Failures) == 0 }

// Failure is one expectation that did not hold: where it is written, what
// was expected and what happened.
type Failure struct {
	Pos      Pos
	Expected rules.Text
	Got      rules.Text
	// Case is the case the expectation is about ("" for a load check).
	Case string
	// Check is what failed: "expect" for a trigger's expectation, else the
	// check's kind (state, due, not_due, overdue, load).
	Check string
	// Rules are the rules a denied or warned expectation names; DeniedBy
	// the rules that refused the trigger, when the rules refused it;
	// WarnedBy the warnings of a trigger that succeeded.
	Rules, DeniedBy, WarnedBy []string
}

// Localize returns "FILE:LINE: expected …, got …" in lang.
func (f Failure) Localize(lang rules.Lang) string {
	where := fmt.Sprintf("%s:%d", rules.SafePath(f.Pos.File), f.Pos.Line)
	if lang == rules.Polish {
		return fmt.Sprintf("%s: oczekiwano %s, jest %s", where, f.Expected.In(lang), f.Got.In(lang))
	}
	return fmt.Sprintf("%s: expected %s, got %s", where, f.Expected.In(lang), f.Got.In(lang))
}

// Run plays the scenario on a fresh engine with an in-memory store under
// the rule set rs (nil: the statute). It returns an error only when the
// declared world cannot be set up; failed expectations are in the report.
func (s *Scenario) Run(ctx context.Context, rs *rules.RuleSet) (*Report, error) {
	rep, _, err := s.Play(ctx, rs, nil)
	return rep, err
}

// Play is [Scenario.Run] that also returns the engine as the story left
// it, for questions asked after the last step: loads, the review calendar,
// the staffing report. The engine's directory is dir, which must hold the
// scenario's workers and institutions (a caseload registry, say); nil
// gives a [workflow.MemoryDirectory] of them.
func (s *Scenario) Play(ctx context.Context, rs *rules.RuleSet, dir workflow.Directory) (*Report, *workflow.Engine, error) {
	if rs == nil {
		rs = rules.Statute()
	}
	r := &runner{s: s, rs: rs, workers: map[string]workflow.Worker{}, rep: &Report{File: s.File, Name: s.Name}, trace: s.trace}
	if err := r.setup(ctx, dir); err != nil {
		return nil, nil, err
	}
	for _, st := range s.Steps {
		if err := ctx.Err(); err != nil {
			return r.rep, r.e, err
		}
		r.step(ctx, st)
		r.rep.Steps++
	}
	return r.rep, r.e, nil
}

type runner struct {
	s       *Scenario
	rs      *rules.RuleSet
	e       *workflow.Engine
	workers map[string]workflow.Worker
	rep     *Report
	trace   bool // fill rep.Trace
}

func (r *runner) setup(ctx context.Context, dir workflow.Directory) error {
	for _, w := range r.s.Workers {
		r.workers[w.ID] = w
	}
	if dir == nil {
		mem := workflow.NewMemoryDirectory()
		for _, w := range r.s.Workers {
			if err := mem.AddWorker(w); err != nil {
				return err
			}
		}
		for _, id := range r.s.Institutions {
			if err := mem.AddInstitution(r.s.Institution(id)); err != nil {
				return err
			}
		}
		dir = mem
	}
	e, err := workflow.New(workflow.WithRules(r.rs), workflow.WithDirectory(dir))
	if err != nil {
		return err
	}
	r.e = e
	var errs []error
	for _, f := range r.s.Families {
		errs = append(errs, e.DeclareFamily(ctx, f.ID, workflow.FamilyInfo{Difficulty: f.Difficulty, Area: f.Area}))
	}
	for _, f := range r.s.FosterFamilies {
		errs = append(errs, e.DeclareFosterFamily(ctx, f.ID, workflow.FosterFamilyInfo{Form: f.Form, Candidate: f.Candidate}))
	}
	for _, c := range r.s.Children {
		errs = append(errs, e.DeclareChild(ctx, c.ID, workflow.ChildInfo{Family: c.Family, Born: c.Born}))
	}
	return errors.Join(errs...)
}

// failCheck records a failed check.
func (r *runner) failCheck(c Check, expected, got rules.Text) {
	r.rep.Failures = append(r.rep.Failures, Failure{Pos: c.Pos, Expected: expected, Got: got, Case: c.Case, Check: c.Kind.String()})
}

func (r *runner) step(ctx context.Context, st Step) {
	if st.Do != "" {
		w := r.workers[st.By]
		var before *workflow.Case
		if r.trace {
			before, _ = r.e.Case(ctx, st.Case) // nil for a case that does not exist: the step fails below
		}
		out, err := r.e.Fire(ctx, st.Case, workflow.Command{Trigger: st.Do, On: st.At, Args: st.With,
			Actor: workflow.Actor{ID: w.ID, Role: w.Role}})
		r.compare(st, out, err)
		if r.trace {
			r.rep.Trace = append(r.rep.Trace, traceOf(st, before, out, err))
		}
	}
	for _, c := range st.Checks {
		r.check(ctx, st.At, c)
	}
}

// compare matches a trigger's result (out, or the refusal err) against the
// step's expectation.
func (r *runner) compare(st Step, out *workflow.Outcome, err error) {
	exp := st.Expect
	var de *workflow.DeniedError
	denied := errors.As(err, &de)
	var warned []string
	if err == nil && out != nil {
		for _, w := range out.Decision.Warnings() {
			warned = append(warned, w.Rule)
		}
	}
	var ok bool
	switch exp.Outcome {
	case ExpectOK:
		ok = err == nil
	case ExpectDenied:
		ok = denied && subset(exp.Rules, de.RuleIDs())
	case ExpectWarned:
		ok = err == nil && subset(exp.Rules, warned)
	default:
		sentinel := map[Outcome]error{ExpectForbidden: workflow.ErrForbidden, ExpectInvalid: workflow.ErrInvalidTransition,
			ExpectArgument: workflow.ErrArgument}[exp.Outcome]
		ok = errors.Is(err, sentinel)
	}
	if ok {
		return
	}
	f := Failure{Pos: exp.Pos, Expected: expectedText(st), Got: describe(err), Case: st.Case, Check: "expect",
		Rules: slices.Clone(exp.Rules), WarnedBy: warned}
	if denied {
		f.DeniedBy = de.RuleIDs()
	}
	if err == nil && exp.Outcome == ExpectWarned {
		ids := strings.Join(warned, ", ")
		if ids == "" {
			f.Got = rules.Text{PL: "powodzenie bez ostrzeżeń", EN: "success without warnings"}
		} else {
			f.Got = withWarnings("powodzenie", "success", warned)
		}
	}
	r.rep.Failures = append(r.rep.Failures, f)
}

// withWarnings is "pl z ostrzeżeniem (…)", "en with a warning (…)", or
// the plural for several rules.
func withWarnings(pl, en string, ids []string) rules.Text {
	list := " (" + strings.Join(ids, ", ") + ")"
	if len(ids) == 1 {
		return rules.Text{PL: pl + " z ostrzeżeniem" + list, EN: en + " with a warning" + list}
	}
	return rules.Text{PL: pl + " z ostrzeżeniami" + list, EN: en + " with warnings" + list}
}

func subset(want, have []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func expectedText(st Step) rules.Text {
	what := st.Case + " " + st.Do
	switch st.Expect.Outcome {
	case ExpectDenied:
		ids := strings.Join(st.Expect.Rules, ", ")
		return rules.Text{PL: what + ": odmowa (" + ids + ")", EN: what + ": denied (" + ids + ")"}
	case ExpectForbidden:
		return rules.Text{PL: what + ": brak uprawnień (forbidden)", EN: what + ": forbidden"}
	case ExpectInvalid:
		return rules.Text{PL: what + ": niedozwolone przejście (invalid)", EN: what + ": invalid transition"}
	case ExpectArgument:
		return rules.Text{PL: what + ": błąd argumentu", EN: what + ": an argument error"}
	case ExpectWarned:
		return withWarnings(what+": powodzenie", what+": success", st.Expect.Rules)
	}
	return rules.Text{PL: what + ": powodzenie", EN: what + ": success"}
}

// describe renders a trigger's result for a failure message.
func describe(err error) rules.Text {
	if err == nil {
		return rules.Text{PL: "powodzenie", EN: "success"}
	}
	return rules.Text{PL: workflow.Localize(err, rules.Polish), EN: workflow.Localize(err, rules.English)}
}

// traceOf explains a fired step from the case before it and the outcome
// (or the refusal).
func traceOf(st Step, before *workflow.Case, out *workflow.Outcome, err error) StepTrace {
	tr := StepTrace{Pos: st.Pos, At: st.At, Case: st.Case, Trigger: st.Do, By: st.By, Result: describe(err)}
	var de *workflow.DeniedError
	switch {
	case errors.As(err, &de):
		tr.Decision = &de.Decision
	case err == nil && out != nil:
		tr.Decision = &out.Decision
		var was []workflow.Obligation
		if before != nil {
			was = before.Obligations
		}
		tr.Opened, tr.Closed = obligationChanges(was, out.Case.Obligations)
	}
	return tr
}

// obligationChanges compares a case's open obligations before and after a
// trigger: opened holds those new or renewed (opened anew, or with another
// due date), closed those no longer open.
func obligationChanges(before, after []workflow.Obligation) (opened, closed []workflow.Obligation) {
	find := func(list []workflow.Obligation, id string) (workflow.Obligation, bool) {
		for _, o := range list {
			if o.ID == id {
				return o, true
			}
		}
		return workflow.Obligation{}, false
	}
	for _, o := range after {
		if was, ok := find(before, o.ID); !ok || was != o {
			opened = append(opened, o)
		}
	}
	for _, o := range before {
		if _, ok := find(after, o.ID); !ok {
			closed = append(closed, o)
		}
	}
	return opened, closed
}
