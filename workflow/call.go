package workflow

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/asysta/asysta/rules"
	"github.com/qmuntal/stateless"
)

// call is one firing in progress. It is never shared between goroutines.
type call struct {
	callState
	// The rules environments of the call's own, reused through callPool
	// and filled afresh before every use, so that release need not clear
	// them.
	famEnv rules.FamilyEnv
	chEnv  rules.ChildEnv
}

// callState is what a call sets as it goes, cleared by release.
type callState struct {
	ctx      context.Context
	e        *Engine
	rs       *rules.RuleSet
	def      *definition
	expected int64 // the case's version as loaded
	c        *Case // the call's own copy, being changed
	cmd      Command
	tr       *transition
	args     Args
	state    State           // the stateless machine's state for this call
	stateBox stateless.State // state as an interface, boxed once
	env      rules.Env
	guards   []KeyVersion
	linked   []Write // other cases changed (foster family activation)

	// out is the outcome, allocated when the rules allow the trigger; its
	// Decision is the call's decision, which the event points to.
	out *Outcome

	// Storage of the call's own, reused through callPool: the context the
	// stateless machine sees, the batch's write and event (events[0]).
	// Nothing of it outlives the call (the store copies what it keeps).
	sctx   callContext
	writes [1]Write
	events [1]Event
}

// callPool recycles calls: a call is large, and fresh memory costs more to
// touch than memory just released.
var callPool = sync.Pool{New: func() any { return new(call) }}

// release returns cl to callPool. Nothing may use cl afterwards; the
// outcome does not point into it.
func (cl *call) release() {
	clear(cl.guards)
	clear(cl.linked)
	if cl.c != nil && cl.c.Lifecycle == rules.LifecycleChild {
		cl.chEnv = rules.ChildEnv{} // a child's date of birth does not linger
	}
	cl.callState = callState{guards: cl.guards[:0], linked: cl.linked[:0]}
	callPool.Put(cl)
}

// callContext is the context of a call's stateless firing: ctx.Value of
// callKey{} gives the call.
type callContext struct {
	context.Context
	cl *call
}

func (c *callContext) Value(key any) any {
	if _, ok := key.(callKey); ok {
		return c.cl
	}
	return c.Context.Value(key)
}

// newCall starts a call on c, the call's own copy of the case as loaded.
func newCall(ctx context.Context, e *Engine, c *Case, cmd Command) *call {
	def := e.defs[c.Lifecycle]
	cl := callPool.Get().(*call) // released clean
	cl.ctx, cl.e, cl.rs, cl.def, cl.expected, cl.c, cl.cmd, cl.state = ctx, e, e.ruleSet(), def, c.Version, c, cmd, c.State
	cl.stateBox = def.box(c.State)
	return cl
}

func (cl *call) trigger() rules.Trigger {
	return rules.Trigger{Lifecycle: cl.c.Lifecycle, Name: cl.cmd.Trigger}
}

// run checks, decides, applies and commits.
func (cl *call) run() error {
	if err := cl.check(); err != nil {
		return err
	}
	dec, err := cl.decide()
	if err != nil {
		return err
	}
	if !dec.Allowed {
		return &DeniedError{Case: cl.c.ID, Decision: dec}
	}
	cl.out = &Outcome{Decision: dec}
	if err := cl.transition(); err != nil {
		return err
	}
	return cl.commit()
}

// decide builds the rules environment and asks the rules. A family
// trigger other than an assignment builds its environment only if a guard
// in force reads it (only assignments read more than the case: the
// assistant named, whose load guards the commit).
func (cl *call) decide() (rules.Decision, error) {
	var dec rules.Decision
	if !cl.cmd.On.Writable() {
		return dec, &ArgumentError{Case: cl.c.ID, Trigger: cl.cmd.Trigger, Arg: "on", Problem: rules.Text{
			PL: "data musi być istniejącym dniem roku od 1000 do 9999", EN: "the date must be a real day of a year from 1000 to 9999"}}
	}
	var err, envErr error
	if cl.c.Lifecycle == rules.LifecycleFamily && cl.cmd.Trigger != "assign_assistant" && cl.cmd.Trigger != "reassign_assistant" {
		dec, err = cl.rs.DecideWith(cl.trigger(), cl.cmd.On, func() (rules.Env, error) {
			envErr = cl.prepare()
			return cl.env, envErr
		})
	} else if envErr = cl.prepare(); envErr == nil {
		dec, err = cl.rs.Decide(cl.trigger(), cl.cmd.On, cl.env)
	}
	switch {
	case envErr != nil:
		return dec, envErr
	case err != nil:
		return dec, &ArgumentError{Case: cl.c.ID, Trigger: cl.cmd.Trigger, Arg: "on", Problem: rules.Text{
			PL: "data spoza okresu obowiązywania katalogu (od " + rules.StatuteStart.String() + ")",
			EN: "a date outside the catalogue (it starts on " + rules.StatuteStart.String() + ")"}}
	}
	return dec, nil
}

// check verifies the trigger, the actor and the state, and parses the
// arguments.
func (cl *call) check() error {
	trs := cl.def.byTrigger(cl.cmd.Trigger)
	if len(trs) == 0 || trs[0].internal {
		return &TransitionError{Case: cl.c.ID, Lifecycle: cl.c.Lifecycle, State: cl.c.State, Trigger: cl.cmd.Trigger,
			Reason: rules.Text{PL: "cykl życia nie ma takiego wyzwalacza", EN: "the lifecycle has no such trigger"}}
	}
	cl.tr = findIn(trs, cl.c.State)
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
	cl.sctx = callContext{Context: cl.ctx, cl: cl}
	if err := cl.def.machine.FireCtx(&cl.sctx, cl.tr.fire); err != nil {
		return err
	}
	cl.c.State = cl.state
	applyFacts(cl.c, cl.cmd.Trigger, cl.args, cl.cmd.Actor, cl.cmd.On, from)
	if err := applyObligations(cl.rs, cl.c, cl.cmd.Trigger, cl.args, cl.cmd.Actor, cl.cmd.On, from, &cl.famEnv); err != nil {
		return err
	}
	cl.events[0] = cl.newEvent(cl.c, from, cl.cmd.Trigger, "")
	cl.events[0].Decision = &cl.out.Decision
	return cl.activateCarer()
}

func (cl *call) newEvent(c *Case, from State, trigger, cause string) Event {
	return Event{Case: c.ID, Lifecycle: c.Lifecycle, Seq: c.Version + 1, From: from, To: c.State, Trigger: trigger,
		Actor: cl.cmd.Actor, On: cl.cmd.On, Args: cl.args, Cause: cause, Revision: cl.rs.Revision()}
}

// commit writes the case, any linked cases and the guards in one batch.
func (cl *call) commit() error {
	cl.e.rememberRevision(cl.rs)
	cl.writes[0] = Write{Case: cl.c, Expected: cl.expected, Events: cl.events[:]}
	writes := cl.writes[:]
	if len(cl.linked) > 0 {
		writes = append(writes[:1:1], cl.linked...)
	}
	if err := cl.e.commit(cl.ctx, Batch{Writes: writes, Guards: cl.guards}); err != nil {
		return err
	}
	for _, w := range writes { // the versions the store gave them, for the outcome
		w.Case.Version = w.Expected + 1
	}
	return nil
}

func (cl *call) outcome() *Outcome {
	out := cl.out
	out.Case, out.Event = cl.c, cl.events[0] // out.Decision is the call's decision
	for _, w := range cl.linked {
		out.Linked = append(out.Linked, w.Case)
	}
	return out
}

// index reads an index key and remembers its version as a guard of the
// commit. The cases are the call's own copies.
func (cl *call) index(key string) ([]*Case, error) {
	cases, v, err := cl.e.store.Index(cl.ctx, key)
	if err != nil {
		return nil, err
	}
	cl.guards = append(cl.guards, KeyVersion{Key: key, Version: v})
	return cases, nil
}
