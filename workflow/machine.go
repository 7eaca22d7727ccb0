package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/asysta/asysta/rules"
	"github.com/qmuntal/stateless"
)

// definition is a lifecycle compiled onto a stateless machine. The machine
// is built once and shared: it runs in FiringImmediate mode and keeps no
// state of its own, reading and writing the state of the call in the
// context, so concurrent fires never share a queue or a state.
type definition struct {
	*lifecycle
	machine *stateless.StateMachine
	boxes   []boxed // each state as an interface, boxed once
}

// box returns s as a stateless.State, without a new allocation for the
// lifecycle's states.
func (d *definition) box(s State) stateless.State {
	// A scan of a dozen states is cheaper than hashing the name: most
	// differ in length, and a stored state shares its bytes with the
	// table's, which == then finds at once.
	for i := range d.boxes {
		if d.boxes[i].s == s {
			return d.boxes[i].b
		}
	}
	return s
}

// boxed is a state and the same state as a stateless.State.
type boxed struct {
	s State
	b stateless.State
}
type callKey struct{}

func callFrom(ctx context.Context) *call { return ctx.Value(callKey{}).(*call) }

// definitions builds and validates the three lifecycles once.
var definitions = sync.OnceValues(func() (map[rules.Lifecycle]*definition, error) {
	out := map[rules.Lifecycle]*definition{}
	var errs []error
	for _, l := range []*lifecycle{familyLifecycle(), childLifecycle(), fosterFamilyLifecycle()} {
		if err := l.validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		d, err := build(l)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[l.name] = d
	}
	return out, errors.Join(errs...)
})

// build configures a stateless machine from a validated lifecycle.
// stateless panics on some misconfigurations; validate rules them out, and
// the recover here turns any that slips through into an error.
func build(l *lifecycle) (d *definition, err error) {
	defer func() {
		if r := recover(); r != nil {
			d, err = nil, fmt.Errorf("workflow: lifecycle %s: %v", l.name, r)
		}
	}()
	sm := stateless.NewStateMachineWithExternalStorage(
		func(ctx context.Context) (stateless.State, error) { return callFrom(ctx).stateBox, nil },
		func(ctx context.Context, s stateless.State) error {
			cl := callFrom(ctx)
			cl.state, cl.stateBox = s.(State), s
			return nil
		},
		stateless.FiringImmediate)
	for _, s := range l.states {
		cfg := sm.Configure(s)
		if p := s.Parent(); p != "" {
			cfg.SubstateOf(p)
		}
	}
	for i := range l.transitions {
		t := &l.transitions[i]
		t.fire = t.trigger
		for _, from := range t.from {
			configure(sm.Configure(from), t)
		}
	}
	byTrig := map[string][]*transition{}
	for _, trig := range l.triggers() {
		byTrig[trig] = l.byTrigger(trig)
	}
	l.byTrig = byTrig
	boxes := []boxed{{declared, declared}}
	for _, s := range l.states {
		boxes = append(boxes, boxed{s, s})
	}
	return &definition{lifecycle: l, machine: sm, boxes: boxes}, nil
}

func configure(cfg *stateless.StateConfiguration, t *transition) {
	var guards []stateless.GuardFunc
	if t.when != nil {
		cond := t.when
		guards = append(guards, func(ctx context.Context, _ ...any) bool { return cond.fn(callFrom(ctx)) })
	}
	switch {
	case t.dynamic != nil:
		pick := t.dynamic
		cfg.PermitDynamic(t.trigger, func(ctx context.Context, _ ...any) (stateless.State, error) {
			cl := callFrom(ctx)
			return cl.def.box(pick(cl)), nil
		}, guards...)
	case t.to == "":
		cfg.InternalTransition(t.trigger, func(context.Context, ...any) error { return nil }, guards...)
	default:
		cfg.Permit(t.trigger, t.to, guards...)
	}
}

// validate checks a lifecycle's table before it reaches stateless: every
// state named is declared, superstates come before their substates, no
// transition permits its own source, a trigger is permitted at most once
// from any state (so guards never overlap), and every leaf state is
// reachable or initial.
func (l *lifecycle) validate() error {
	var errs []error
	fail := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("workflow: lifecycle %s: "+format, append([]any{l.name}, a...)...))
	}
	for i, s := range l.states {
		if p := s.Parent(); p != "" && !slices.Contains(l.states[:i], p) {
			fail("state %s comes before its superstate %s", s, p)
		}
	}
	reached := map[State]bool{}
	for _, t := range l.transitions {
		for _, s := range append(append(slices.Clone(t.from), t.targets...), t.to) {
			if s != "" && !slices.Contains(l.states, s) {
				fail("trigger %s names an unknown state %q", t.trigger, s)
			}
		}
		for _, f := range t.from {
			if t.to != "" && t.to == f {
				fail("trigger %s permits its own source %s: use an internal transition", t.trigger, f)
			}
		}
		if t.dynamic != nil && len(t.targets) == 0 && t.trigger != "return_refused" {
			fail("trigger %s chooses its destination but lists none", t.trigger)
		}
		reached[t.to] = true
		for _, s := range t.targets {
			reached[s] = true
		}
	}
	l.checkOverlaps(fail)
	for _, s := range l.leaves() {
		if !reached[s] && !l.initial(s) {
			fail("state %s cannot be reached", s)
		}
	}
	return errors.Join(errs...)
}

// checkOverlaps fails when a trigger is permitted twice from one state,
// counting superstates.
func (l *lifecycle) checkOverlaps(fail func(string, ...any)) {
	for _, s := range l.leaves() {
		for _, trig := range l.triggers() {
			n := 0
			for _, t := range l.byTrigger(trig) {
				for _, f := range t.from {
					if s == f || (f != declared && s.In(f)) {
						n++
					}
				}
			}
			if n > 1 {
				fail("trigger %s is permitted %d times from state %s", trig, n, s)
			}
		}
	}
}

// initial reports whether a case can start in s: the states declarations
// create.
func (l *lifecycle) initial(s State) bool {
	return s == declared || s == InFamily || s == Qualified || s == Candidate
}
