package workflow

import (
	"context"
	"errors"
	"slices"

	"github.com/asysta/asysta/rules"
)

// call is one firing in progress: [Engine.Fire] and [Engine.Check] run its
// steps in order (engine.go). It is never shared between goroutines.
type call struct {
	ctx      context.Context
	e        *Engine
	rs       *rules.RuleSet // the rules in force when the call began
	def      *definition
	rec      *record // the trigger's record
	cmd      Command
	c        *Case // the call's own copy of the case, changed by apply
	before   *Case // the case as loaded, never changed: the write's Before
	expected int64 // the case's version as loaded
	args     Args
	f        firing // the transition as the record's functions see it

	// Read by the record's prepare step: the worker an assignment names
	// with their load, the carer a placement names with its children, and
	// the cases changed in the same commit (a qualified foster family that
	// becomes active with the child, the family that records its placed
	// child).
	actor  Worker // the worker firing, from the directory
	load   rules.Worker
	carer  rules.Carer
	linked []linked
	// guards are the index keys read for a cap, at the versions read.
	guards []KeyVersion
}

// begin loads the case and runs every check before the rules: the
// trigger's record, the actor, the state and the arguments, then the
// record's prepare step.
func (e *Engine) begin(ctx context.Context, caseID string, cmd Command) (*call, error) {
	c, err := e.store.Get(ctx, caseID) // a copy of the call's own
	if err != nil {
		return nil, caseError(caseID, err)
	}
	if cmd.Version != 0 && cmd.Version != c.Version {
		return nil, &ConflictError{Case: caseID, Want: cmd.Version, Got: c.Version}
	}
	def := e.defs[c.Lifecycle]
	cl := &call{ctx: ctx, e: e, rs: e.ruleSet(), def: def, rec: def.record(cmd.Trigger), cmd: cmd, c: c, before: c.Clone(), expected: c.Version}
	cl.f = firing{c: c, from: c.State, actor: cmd.Actor, on: cmd.On, rs: cl.rs}
	if cl.rec == nil || cl.rec.internal {
		return nil, &TransitionError{Case: c.ID, Lifecycle: c.Lifecycle, State: c.State, Trigger: cmd.Trigger,
			Unknown: cl.rec == nil, Suggest: def.suggest(cmd.Trigger), Reason: rules.Text{PL: "cykl życia nie ma takiego wyzwalacza", EN: "the lifecycle has no such trigger"}}
	}
	if !c.Opened() {
		// On a declared family with no case, any trigger but refer or
		// apply_za_zyciem is invalid, whoever fires it (docs/workflow.md).
		if err := cl.permitted(); err != nil {
			return nil, err
		}
	}
	if err := cl.authorize(); err != nil {
		return nil, err
	}
	if err := cl.permitted(); err != nil {
		return nil, err
	}
	if err := cl.checkAssigned(); err != nil {
		return nil, err
	}
	if err := cl.checkOwnInstitution(); err != nil {
		return nil, err
	}
	if cl.args, err = parseArgs(c.ID, cmd.Trigger, cl.rec.args, cmd.Args, false); err != nil {
		return nil, err
	}
	cl.f.args = cl.args
	if !cmd.On.Writable() {
		return nil, cl.argError("on", "data musi być istniejącym dniem roku od 1000 do 9999", "the date must be a real day of a year from 1000 to 9999")
	}
	if cl.rec.prepare != nil {
		if err := cl.rec.prepare(cl); err != nil {
			return nil, err
		}
	}
	return cl, nil
}

// authorize checks the actor's role against the record and the directory.
func (cl *call) authorize() error {
	a := cl.cmd.Actor
	forbid := func(pl, en string) error {
		return &ForbiddenError{Case: cl.c.ID, Trigger: cl.cmd.Trigger, Actor: a, Allowed: cl.rec.roles, Reason: rules.Text{PL: pl, EN: en}}
	}
	if !slices.Contains(cl.rec.roles, a.Role) {
		return &ForbiddenError{Case: cl.c.ID, Trigger: cl.cmd.Trigger, Actor: a, Allowed: cl.rec.roles}
	}
	w, err := cl.e.dir.Worker(cl.ctx, a.ID)
	switch {
	case errors.Is(err, ErrUnknownWorker):
		return forbid("identyfikatora pracownika nie ma w rejestrze pracowników", "the worker's ID is not in the directory of staff")
	case err != nil:
		return err
	case w.Role != a.Role:
		return forbid("pracownik "+a.ID+" ma rolę "+string(w.Role)+", nie "+string(a.Role),
			"worker "+a.ID+" has role "+string(w.Role)+", not "+string(a.Role))
	case !w.ActiveOn(cl.cmd.On):
		return forbid("pracownik "+a.ID+" nie jest zatrudniony w dniu "+cl.cmd.On.String(),
			"worker "+a.ID+" is not employed on "+cl.cmd.On.String())
	}
	cl.actor = w
	return nil
}

// checkOwnInstitution enforces that an institution_director acts only on
// a child placed in their own institution: the director's employer is the
// institution's ID (art. 100 ust. 4, art. 137–138 UWR; docs/legal.md).
func (cl *call) checkOwnInstitution() error {
	a := cl.cmd.Actor
	if !cl.rec.own || a.Role != InstitutionDirector || cl.c.Child == nil {
		return nil
	}
	if cl.actor.Employer != "" && cl.c.Child.Form == FormInstitution && cl.c.Child.Carer == cl.actor.Employer {
		return nil
	}
	if cl.actor.Employer == "" {
		return &ForbiddenError{Case: cl.c.ID, Trigger: cl.cmd.Trigger, Actor: a, Allowed: cl.rec.roles, Reason: rules.Text{
			PL: "dyrektor " + a.ID + " nie ma w rejestrze placówki, którą kieruje (employer): wpisz ją",
			EN: "director " + a.ID + " has no institution recorded as employer in the directory: record it"}}
	}
	return &ForbiddenError{Case: cl.c.ID, Trigger: cl.cmd.Trigger, Actor: a, Allowed: cl.rec.roles, Reason: rules.Text{
		PL: "dyrektor placówki " + cl.actor.Employer + " działa tylko wobec dzieci umieszczonych w tej placówce",
		EN: "the director of institution " + cl.actor.Employer + " acts only on children placed in that institution"}}
}

// permitted asks the lifecycle's stateless machine whether the trigger may
// fire in the case's state; a refusal is a *TransitionError, with the
// path's condition as its reason when the state has a path that the case
// does not meet.
func (cl *call) permitted() error {
	ok, err := cl.def.permitted(cl.ctx, &cl.f, cl.cmd.Trigger)
	if err != nil || ok {
		return err
	}
	te := &TransitionError{Case: cl.c.ID, Lifecycle: cl.c.Lifecycle, State: cl.c.State, Trigger: cl.cmd.Trigger}
	if p := cl.rec.pathFrom(cl.c.State); p != nil && p.when != nil {
		te.Reason = p.when.text
	}
	return te
}

// checkAssigned enforces that a family_assistant acts only on the family
// they are (or were, for end_monitoring) assigned to.
func (cl *call) checkAssigned() error {
	a := cl.cmd.Actor
	if !cl.rec.assigned || a.Role != FamilyAssistant || cl.c.Family == nil || cl.c.Family.Assistant == a.ID {
		return nil
	}
	return &ForbiddenError{Case: cl.c.ID, Trigger: cl.cmd.Trigger, Actor: a, Allowed: cl.rec.roles, Reason: rules.Text{
		PL: "tylko asystent przydzielony do rodziny (" + orNone(cl.c.Family.Assistant) + ") może to zrobić",
		EN: "only the family's assigned assistant (" + orNone(cl.c.Family.Assistant) + ") may do this"}}
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// decide asks the rules in force, building the environment only when a
// guard in force on the date is to read it.
func (cl *call) decide() (rules.Decision, error) {
	var envErr error
	dec, err := cl.rs.DecideWith(rules.Trigger{Lifecycle: cl.c.Lifecycle, Name: cl.cmd.Trigger}, cl.cmd.On, func() (rules.Env, error) {
		var env rules.Env
		env, envErr = cl.environment()
		return env, envErr
	})
	switch {
	case envErr != nil:
		return dec, envErr
	case err != nil:
		return dec, cl.argError("on", "data spoza okresu obowiązywania katalogu (od "+rules.StatuteStart.String()+")",
			"a date outside the catalogue (it starts on "+rules.StatuteStart.String()+")")
	}
	return dec, nil
}

// reads reports whether a guard of the call's trigger in force on its date
// reads any of paths: what the environment reads from the store beyond
// the case is read only then.
func (cl *call) reads(paths ...string) bool {
	return cl.rs.Reads(rules.Trigger{Lifecycle: cl.c.Lifecycle, Name: cl.cmd.Trigger}, cl.cmd.On, paths...)
}

// environment builds the rules environment of the call's lifecycle.
func (cl *call) environment() (rules.Env, error) {
	switch cl.c.Lifecycle {
	case rules.LifecycleFamily:
		return cl.familyEnv()
	case rules.LifecycleChild:
		return cl.childEnv()
	}
	return cl.fosterEnv()
}

// apply fires the transition on the call's copy of the case: the stateless
// machine moves the state, the record changes the facts and the
// obligations, and the event records it; a foster family receiving its
// first child becomes active in the same batch. It returns the writes.
func (cl *call) apply(dec *rules.Decision) ([]Write, error) {
	ev, err := cl.def.transition(cl.ctx, cl.rec, &cl.f)
	if err != nil {
		return nil, err
	}
	ev.Decision = dec
	writes := []Write{{Case: cl.c, Expected: cl.expected, Events: []Event{ev}, Before: cl.before}}
	for _, l := range cl.linked {
		before := l.c.Clone()
		lf := firing{c: l.c, from: l.c.State, args: l.args, actor: cl.cmd.Actor, on: cl.cmd.On, rs: cl.rs}
		def := cl.e.defs[l.lifecycle]
		ev, err := def.transition(cl.ctx, def.record(l.trigger), &lf)
		if err != nil {
			return nil, err
		}
		ev.Cause = cl.c.ID
		writes = append(writes, Write{Case: l.c, Expected: l.c.Version, Events: []Event{ev}, Before: before})
	}
	return writes, nil
}

// linked is a case changed in the same commit by the engine's own trigger
// (activate, child_placed), its event caused by the call's case.
type linked struct {
	c         *Case
	lifecycle rules.Lifecycle
	trigger   string
	args      Args
}

// transition applies r to f's case: the machine moves the state, then the
// record's effect on the facts and its duties. It returns the event, which
// replay applies the same way.
func (d *definition) transition(ctx context.Context, r *record, f *firing) (Event, error) {
	c := f.c
	if err := d.fire(ctx, f, r.name); err != nil {
		return Event{}, err
	}
	if r.facts != nil {
		r.facts(f)
	}
	if err := applyDuties(r, f); err != nil {
		return Event{}, err
	}
	return Event{Case: c.ID, Lifecycle: c.Lifecycle, Seq: c.Version + 1, From: f.from, To: c.State, Trigger: r.name,
		Actor: f.actor, On: f.on, Args: f.args, Revision: f.rs.Revision()}, nil
}

// index reads an index key for a cap and remembers its version, which
// guards the commit.
func (cl *call) index(key string) ([]*Case, error) {
	cases, v, err := cl.e.store.Index(cl.ctx, key)
	if err != nil {
		return nil, err
	}
	cl.guards = append(cl.guards, KeyVersion{Key: key, Version: v})
	return cases, nil
}

func (cl *call) argError(arg, pl, en string) error {
	return &ArgumentError{Case: cl.c.ID, Trigger: cl.cmd.Trigger, Arg: arg, Problem: rules.Text{PL: pl, EN: en}}
}

// worker resolves a worker named by an argument and checks their role and
// employment on the date.
func (cl *call) worker(arg string, role Role) (Worker, error) {
	id := cl.args.String(arg)
	w, err := cl.e.dir.Worker(cl.ctx, id)
	switch {
	case errors.Is(err, ErrUnknownWorker):
		return w, cl.argError(arg, "tego identyfikatora nie ma w rejestrze pracowników", "the ID is not in the directory of staff")
	case err != nil:
		return w, err
	case w.Role != role:
		return w, cl.argError(arg, "pracownik "+id+" ma rolę "+string(w.Role)+", a potrzebna jest "+string(role),
			"worker "+id+" has role "+string(w.Role)+", not "+string(role))
	case !w.ActiveOn(cl.cmd.On):
		return w, cl.argError(arg, "pracownik "+id+" nie jest zatrudniony w dniu "+cl.cmd.On.String(),
			"worker "+id+" is not employed on "+cl.cmd.On.String())
	}
	return w, nil
}
