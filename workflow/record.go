package workflow

import (
	"github.com/asysta/asysta/internal/nearest"
	"github.com/asysta/asysta/rules"
)

// declared is the state of a declared family before refer or
// apply_za_zyciem opens its case.
const declared State = ""

// record is everything about one trigger of a lifecycle, in one place:
// where it is permitted and where it leads, who may fire it, the arguments
// it takes, what it reads before the rules decide, what it changes in the
// case's facts and which obligations it opens, renews and closes. A
// lifecycle is a table of records (family.go, child.go,
// foster_family.go); the stateless machine of the lifecycle is built from
// the paths of its records (machine.go).
type record struct {
	name  string
	paths []path
	roles []Role
	// assigned: a family_assistant may fire it only on a family whose
	// assistant they are (or were, for end_monitoring).
	assigned bool
	// own: an institution_director may fire it only on a child placed in
	// their own institution (the worker's Employer is its ID).
	own  bool
	args []argSpec
	// internal: fired by the engine itself, never by a user.
	internal bool
	// prepare resolves what the arguments refer to (a worker, a carer) and
	// reads the loads its rules compare with a cap, from the store's index
	// (whose key versions then guard the commit). nil: nothing to read.
	prepare func(*call) error
	// facts records the trigger's effect on the case's facts, after the
	// state has changed. nil: none.
	facts func(*firing)
	// duties are the obligations the trigger opens, renews or closes, in
	// order; a case in a final state closes them all (obligations.go).
	duties []duty
}

// path is one way a trigger leads: from any of the states in from (leaf
// states or superstates) to a destination, fixed or chosen, when the
// case meets the condition.
type path struct {
	from []State
	// to is the destination; "" keeps the state (an internal transition)
	// unless choose picks one.
	to State
	// choose picks the destination from the case and the arguments; one
	// of targets, which diagrams and validation read.
	choose  func(*firing) State
	targets []State
	when    *condition
}

// condition is a state-level condition of a path, checked by stateless as
// a guard: a path whose condition fails does not exist for the case, and
// the trigger is invalid. Caps, ages and other explained limits are rules
// (package rules), which deny instead.
type condition struct {
	name string // shown in diagrams
	text rules.Text
	fn   func(*firing) bool
}

// duty is what a trigger does to one obligation: open (or renew) it with
// its due rule, or close it (rule ""), when the case meets the condition
// (nil: always). hold and restore set a child's open obligation aside and
// bring it back with its own dates (ChildFacts.HeldMotion).
type duty struct {
	obligation string
	rule       string
	when       func(*firing) bool
	hold       bool
	restore    bool
	plan       bool
}

// syncsPlan is a duty that makes the plan_action obligations those of the
// work plan's open actions (plan.go).
func syncsPlan() duty { return duty{obligation: OblPlanAction, plan: true} }

// holds is a duty that closes obligation and keeps it aside on the child
// (ChildFacts.HeldMotion), for restores.
func holds(obligation string) duty { return duty{obligation: obligation, hold: true} }

// restores is a duty that reopens the obligation holds kept aside, with
// its original dates; nothing when none was kept.
func restores(obligation string) duty { return duty{obligation: obligation, restore: true} }

// opens is a duty that opens (or renews) obligation by its due rule.
func opens(obligation, rule string, when ...func(*firing) bool) duty {
	return duty{obligation: obligation, rule: rule, when: firstOf(when)}
}

// closes is a duty that closes obligation.
func closes(obligation string, when ...func(*firing) bool) duty {
	return duty{obligation: obligation, when: firstOf(when)}
}

func firstOf(when []func(*firing) bool) func(*firing) bool {
	if len(when) == 0 {
		return nil
	}
	return when[0]
}

// firing is a transition being applied to a case: by Fire, on the call's
// own copy of the case, or by replay. Conditions, choices, effects and
// duties read it.
type firing struct {
	c     *Case // being changed
	from  State // the state before the transition
	args  Args
	actor Actor
	on    rules.Date
	rs    *rules.RuleSet // the rules in force (replay: of the event's revision)
}

// lifecycle is one lifecycle: its states and its records.
type lifecycle struct {
	name    rules.Lifecycle
	states  []State // every state, superstates included
	records []record
}

// record returns the lifecycle's record of a trigger, or nil.
func (l *lifecycle) record(trigger string) *record {
	for i := range l.records {
		if l.records[i].name == trigger {
			return &l.records[i]
		}
	}
	return nil
}

// triggers returns the names of the lifecycle's triggers in table order.
func (l *lifecycle) triggers() []string {
	out := make([]string, len(l.records))
	for i, r := range l.records {
		out[i] = r.name
	}
	return out
}

// leaves returns the states that have no substates: the states a case can
// be in.
func (l *lifecycle) leaves() []State {
	var out []State
	for _, s := range l.states {
		if !l.isSuper(s) {
			out = append(out, s)
		}
	}
	return out
}

func (l *lifecycle) isSuper(s State) bool {
	for _, x := range l.states {
		if x != s && x.Parent() == s && s != declared {
			return true
		}
	}
	return false
}

// pathFrom returns the path of r that starts from state s (s itself or a
// superstate of it), or nil.
func (r *record) pathFrom(s State) *path {
	for i := range r.paths {
		for _, f := range r.paths[i].from {
			if s == f || (f != declared && s.In(f)) {
				return &r.paths[i]
			}
		}
	}
	return nil
}

// suggest returns the user triggers of l nearest to name (a typo), for a
// "did you mean" hint, at most three (internal/nearest).
func (l *lifecycle) suggest(name string) []string {
	var names []string
	for _, r := range l.records {
		if !r.internal {
			names = append(names, r.name)
		}
	}
	return nearest.Names(name, names, 3)
}
