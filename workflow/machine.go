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

// definition is a lifecycle with its stateless machine, which is the
// authority on which trigger is permitted in which state. The machine is
// built once from the records' paths and shared: it keeps no state of its
// own, reading and writing the state of the case being fired on, which the
// context carries (see firingKey), so concurrent fires share nothing.
type definition struct {
	*lifecycle
	machine *stateless.StateMachine
}

// firingKey is the context key of the *firing a machine reads and writes.
type firingKey struct{}

func firingOf(ctx context.Context) *firing { return ctx.Value(firingKey{}).(*firing) }

// withFiring returns ctx carrying f for the machine.
func withFiring(ctx context.Context, f *firing) context.Context {
	return context.WithValue(ctx, firingKey{}, f)
}

// permitted asks the machine whether trigger may fire on f's case now.
func (d *definition) permitted(ctx context.Context, f *firing, trigger string) (bool, error) {
	return d.machine.CanFireCtx(withFiring(ctx, f), trigger)
}

// fire moves f's case to where trigger leads from its state.
func (d *definition) fire(ctx context.Context, f *firing, trigger string) error {
	return d.machine.FireCtx(withFiring(ctx, f), trigger)
}

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

// build configures a stateless machine from a validated lifecycle:
// hierarchical substates, and every path of every record as a permitted,
// internal or dynamic transition guarded by the path's condition.
// stateless panics on some misconfigurations; validate rules them out, and
// the recover here turns any that slips through into an error.
func build(l *lifecycle) (d *definition, err error) {
	defer func() {
		if r := recover(); r != nil {
			d, err = nil, fmt.Errorf("workflow: lifecycle %s: %v", l.name, r)
		}
	}()
	sm := stateless.NewStateMachineWithExternalStorage(
		func(ctx context.Context) (stateless.State, error) { return firingOf(ctx).c.State, nil },
		func(ctx context.Context, s stateless.State) error {
			firingOf(ctx).c.State = s.(State)
			return nil
		},
		stateless.FiringImmediate)
	for _, s := range l.states {
		cfg := sm.Configure(s)
		if p := s.Parent(); p != "" {
			cfg.SubstateOf(p)
		}
	}
	for i := range l.records {
		r := &l.records[i]
		for j := range r.paths {
			p := &r.paths[j]
			for _, from := range p.from {
				configure(sm.Configure(from), r.name, p)
			}
		}
	}
	return &definition{lifecycle: l, machine: sm}, nil
}

func configure(cfg *stateless.StateConfiguration, trigger string, p *path) {
	var guards []stateless.GuardFunc
	if p.when != nil {
		cond := p.when.fn
		guards = append(guards, func(ctx context.Context, _ ...any) bool { return cond(firingOf(ctx)) })
	}
	switch {
	case p.choose != nil:
		choose := p.choose
		cfg.PermitDynamic(trigger, func(ctx context.Context, _ ...any) (stateless.State, error) {
			return choose(firingOf(ctx)), nil
		}, guards...)
	case p.to == "":
		cfg.InternalTransition(trigger, func(context.Context, ...any) error { return nil }, guards...)
	default:
		cfg.Permit(trigger, p.to, guards...)
	}
}

// validate checks a lifecycle's table before it reaches stateless: one
// record per trigger, every state named is declared, superstates come
// before their substates, no path permits its own source, a trigger is
// permitted at most once from any state (so guards never overlap), every
// duty names a known obligation, and every leaf state is reachable or
// initial.
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
	seen := map[string]bool{}
	for _, r := range l.records {
		if seen[r.name] {
			fail("trigger %s has two records", r.name)
		}
		seen[r.name] = true
		if len(r.paths) == 0 || len(r.roles) == 0 {
			fail("trigger %s has no path or no role", r.name)
		}
		for _, du := range r.duties {
			if !slices.Contains(obligationIDs[:], du.obligation) {
				fail("trigger %s names an unknown obligation %q", r.name, du.obligation)
			}
		}
		for _, p := range r.paths {
			for _, s := range slices.Concat(p.from, p.targets, []State{p.to}) {
				if s != "" && !slices.Contains(l.states, s) {
					fail("trigger %s names an unknown state %q", r.name, s)
				}
			}
			for _, f := range p.from {
				if p.to != "" && p.to == f {
					fail("trigger %s permits its own source %s: use an internal transition", r.name, f)
				}
			}
			if p.choose != nil && len(p.targets) == 0 {
				fail("trigger %s chooses its destination but lists none", r.name)
			}
			reached[p.to] = true
			for _, s := range p.targets {
				reached[s] = true
			}
		}
	}
	for _, s := range l.leaves() {
		for _, r := range l.records {
			n := 0
			for _, p := range r.paths {
				for _, f := range p.from {
					if s == f || (f != declared && s.In(f)) {
						n++
					}
				}
			}
			if n > 1 {
				fail("trigger %s is permitted %d times from state %s", r.name, n, s)
			}
		}
		if !reached[s] && !l.initial(s) {
			fail("state %s cannot be reached", s)
		}
	}
	return errors.Join(errs...)
}

// initial reports whether a case can start in s: the states declarations
// create.
func (l *lifecycle) initial(s State) bool {
	return s == declared || s == InFamily || s == Qualified || s == Candidate
}
