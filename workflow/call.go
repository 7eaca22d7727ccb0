package workflow

import (
	"context"
	"errors"
	"slices"

	"github.com/asysta/asysta/rules"
)

// call is one firing in progress. It is never shared between goroutines.
type call struct {
	ctx      context.Context
	e        *Engine
	rs       *rules.RuleSet
	def      *definition
	before   *Case // as loaded
	c        *Case // being changed
	cmd      Command
	tr       *transition
	args     Args
	state    State // the stateless machine's state for this call
	env      rules.Env
	decision rules.Decision
	guards   []KeyVersion
	linked   []Write // other cases changed (foster family activation)
	event    Event
}

func (cl *call) trigger() rules.Trigger {
	return rules.Trigger{Lifecycle: cl.c.Lifecycle, Name: cl.cmd.Trigger}
}

// run checks, decides, applies and commits.
func (cl *call) run() error {
	if err := cl.check(); err != nil {
		return err
	}
	if err := cl.prepare(); err != nil {
		return err
	}
	dec, err := cl.rs.Decide(cl.trigger(), cl.cmd.On, cl.env)
	if err != nil {
		return &ArgumentError{Case: cl.c.ID, Trigger: cl.cmd.Trigger, Arg: "on", Problem: rules.Text{
			PL: "data spoza okresu obowiązywania katalogu (od " + rules.StatuteStart.String() + ")",
			EN: "a date outside the catalogue (it starts on " + rules.StatuteStart.String() + ")"}}
	}
	if !dec.Allowed {
		return &DeniedError{Case: cl.c.ID, Decision: dec}
	}
	cl.decision = dec
	if err := cl.transition(); err != nil {
		return err
	}
	return cl.commit()
}

// check verifies the trigger, the actor and the state, and parses the
// arguments.
func (cl *call) check() error {
	trs := cl.def.byTrigger(cl.cmd.Trigger)
	if len(trs) == 0 || trs[0].internal {
		return &TransitionError{Case: cl.c.ID, Lifecycle: cl.c.Lifecycle, State: cl.c.State, Trigger: cl.cmd.Trigger,
			Reason: rules.Text{PL: "cykl życia nie ma takiego wyzwalacza", EN: "the lifecycle has no such trigger"}}
	}
	cl.tr = cl.def.find(cl.cmd.Trigger, cl.c.State)
	if cl.c.State == declared && cl.tr == nil {
		// contract.md section 2: on a declared family with no case, any
		// trigger but refer or apply_za_zyciem is invalid, whoever fires it.
		return cl.permitted()
	}
	if err := cl.authorize(trs[0]); err != nil {
		return err
	}
	if err := cl.permitted(); err != nil {
		return err
	}
	if err := cl.checkAssigned(); err != nil {
		return err
	}
	args, err := parseArgs(cl.c.ID, cl.cmd.Trigger, cl.tr.args, cl.cmd.Args)
	cl.args = args
	return err
}

// authorize checks the actor's role against the trigger and the directory.
func (cl *call) authorize(t *transition) error {
	a := cl.cmd.Actor
	forbid := func(pl, en string) error {
		return &ForbiddenError{Case: cl.c.ID, Trigger: cl.cmd.Trigger, Actor: a, Allowed: t.roles, Reason: rules.Text{PL: pl, EN: en}}
	}
	if !slices.Contains(t.roles, a.Role) {
		return &ForbiddenError{Case: cl.c.ID, Trigger: cl.cmd.Trigger, Actor: a, Allowed: t.roles}
	}
	w, err := cl.e.dir.Worker(cl.ctx, a.ID)
	switch {
	case errors.Is(err, ErrUnknownWorker):
		return forbid("nieznany pracownik "+a.ID, "unknown worker "+a.ID)
	case err != nil:
		return err
	case w.Role != a.Role:
		return forbid("pracownik "+a.ID+" ma rolę "+string(w.Role)+", nie "+string(a.Role),
			"worker "+a.ID+" has role "+string(w.Role)+", not "+string(a.Role))
	case !w.ActiveOn(cl.cmd.On):
		return forbid("pracownik "+a.ID+" nie jest zatrudniony w dniu "+cl.cmd.On.String(),
			"worker "+a.ID+" is not employed on "+cl.cmd.On.String())
	}
	return nil
}

// permitted asks the stateless machine whether the trigger can fire.
func (cl *call) permitted() error {
	if cl.tr != nil && (cl.tr.when == nil || cl.tr.when.fn(cl)) {
		return nil
	}
	te := &TransitionError{Case: cl.c.ID, Lifecycle: cl.c.Lifecycle, State: cl.c.State, Trigger: cl.cmd.Trigger}
	if cl.tr != nil && cl.tr.when != nil {
		te.Reason = cl.tr.when.text
	}
	return te
}

// checkAssigned enforces that a family_assistant acts only on the family
// they are (or were, for end_monitoring) assigned to.
func (cl *call) checkAssigned() error {
	a := cl.cmd.Actor
	if !cl.tr.assigned || a.Role != FamilyAssistant || cl.c.Family == nil || cl.c.Family.Assistant == a.ID {
		return nil
	}
	return &ForbiddenError{Case: cl.c.ID, Trigger: cl.cmd.Trigger, Actor: a, Allowed: cl.tr.roles, Reason: rules.Text{
		PL: "tylko asystent przydzielony do rodziny (" + orNone(cl.c.Family.Assistant) + ") może to zrobić",
		EN: "only the family's assigned assistant (" + orNone(cl.c.Family.Assistant) + ") may do this"}}
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// transition fires the stateless machine and applies the effects.
func (cl *call) transition() error {
	from := cl.c.State
	if err := cl.def.machine.FireCtx(context.WithValue(cl.ctx, callKey{}, cl), cl.cmd.Trigger); err != nil {
		return err
	}
	cl.c.State = cl.state
	applyFacts(cl.c, cl.cmd.Trigger, cl.args, cl.cmd.On, from)
	if err := applyObligations(cl.rs, cl.c, cl.cmd.Trigger, cl.args, cl.cmd.Actor, cl.cmd.On, from); err != nil {
		return err
	}
	cl.event = cl.newEvent(cl.c, from, cl.cmd.Trigger, "")
	cl.event.Decision = &cl.decision
	return cl.activateCarer()
}

func (cl *call) newEvent(c *Case, from State, trigger, cause string) Event {
	return Event{Case: c.ID, Lifecycle: c.Lifecycle, Seq: c.Version + 1, From: from, To: c.State, Trigger: trigger,
		Actor: cl.cmd.Actor, On: cl.cmd.On, Args: cl.args, Cause: cause, Revision: cl.rs.Revision()}
}

// commit writes the case, any linked cases and the guards in one batch.
func (cl *call) commit() error {
	cl.e.rememberRevision(cl.rs)
	b := Batch{Writes: append([]Write{{Case: cl.c, Expected: cl.before.Version, Events: []Event{cl.event}}}, cl.linked...),
		Guards: cl.guards}
	if err := cl.e.commit(cl.ctx, b); err != nil {
		return err
	}
	cl.c.Version = cl.before.Version + 1
	for _, w := range cl.linked {
		w.Case.Version = w.Expected + 1
	}
	return nil
}

func (cl *call) outcome() *Outcome {
	out := &Outcome{Case: cl.c, Event: cl.event, Decision: cl.decision}
	for _, w := range cl.linked {
		out.Linked = append(out.Linked, w.Case)
	}
	return out
}

// index reads an index key and remembers its version as a guard of the
// commit.
func (cl *call) index(key string) ([]*Case, error) {
	cases, v, err := cl.e.store.Index(cl.ctx, key)
	if err != nil {
		return nil, err
	}
	cl.guards = append(cl.guards, KeyVersion{Key: key, Version: v})
	return cases, nil
}
