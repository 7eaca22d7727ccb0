package rules

import (
	"fmt"
	"slices"
	"strings"
)

// Lifecycle names one of the case lifecycles (docs/workflow.md,
// "Lifecycles, triggers, roles and arguments").
type Lifecycle string

// The lifecycles.
const (
	LifecycleFamily       Lifecycle = "family"
	LifecycleChild        Lifecycle = "child"
	LifecycleFosterFamily Lifecycle = "foster_family"
)

// Lifecycles lists the lifecycles in the contract's order.
var Lifecycles = []Lifecycle{LifecycleFamily, LifecycleChild, LifecycleFosterFamily}

// Trigger is a trigger of one lifecycle. Its string form is
// "lifecycle.name", e.g. "family.assign_assistant".
type Trigger struct {
	Lifecycle Lifecycle
	Name      string
}

// String returns "lifecycle.name".
func (t Trigger) String() string { return string(t.Lifecycle) + "." + t.Name }

// triggerSpec is one trigger rules can be attached to, with what the
// engine fills for its rules beyond the variables every trigger of its
// lifecycle fills (docs/rules.md, "Triggers and their variables").
type triggerSpec struct {
	name string
	// args are the arguments the trigger takes that rules see as args.*.
	args []string
	// reads are the variables the engine resolves for the trigger's
	// guards from what an argument names: the worker being assigned
	// (worker.*) or the carer a child goes to (carer.*).
	reads []string
	// engine: fired by the engine itself with another trigger
	// (foster_family.activate and family.child_placed with child.place),
	// never by a user: it takes due rules only.
	engine bool
}

// The variables the engine resolves on assignments and placements.
var (
	readsAssistant   = []string{"worker.id", "worker.role", "worker.fte", "worker.families", "worker.weight"}
	readsCoordinator = []string{"worker.id", "worker.role", "worker.fte", "worker.foster_families"}
	readsCarer       = []string{"carer.id", "carer.form", "carer.kind", "carer.children"}
	placementArgs    = []string{"form", "carer", "court_ref", "siblings", "exception"}
)

// triggerTable lists every trigger rules can be attached to. Besides the
// contract's triggers, foster_family.activate is fired by the engine when a
// foster family receives its first child. Package workflow's records must
// agree with it (workflow/record_internal_test.go).
var triggerTable = map[Lifecycle][]triggerSpec{
	LifecycleFamily: {
		{name: "refer", args: []string{"urgent"}},
		{name: "complete_interview"},
		{name: "request_assistant", args: []string{"mandatory"}},
		{name: "apply_za_zyciem", args: []string{"kind"}},
		{name: "give_consent"},
		{name: "refuse_consent"},
		{name: "court_obligation", args: []string{"court_ref", "report_every_months"}},
		{name: "report_to_court"},
		{name: "court_opinion_requested", args: []string{"court_ref", "deadline"}},
		{name: "submit_court_opinion"},
		{name: "assign_assistant", args: []string{"assistant"}, reads: readsAssistant},
		{name: "reassign_assistant", args: []string{"assistant"}, reads: readsAssistant},
		{name: "approve_plan", args: []string{"consulted"}},
		{name: "revise_plan", args: []string{"consulted"}},
		{name: "complete_action"},
		{name: "assess", args: []string{"result"}},
		{name: "child_placed", engine: true},
		{name: "withdraw_consent"},
		{name: "end_work", args: []string{"reason"}},
		{name: "end_monitoring"},
		{name: "reopen"},
	},
	LifecycleChild: {
		{name: "place", args: placementArgs, reads: readsCarer},
		{name: "move", args: placementArgs, reads: readsCarer},
		{name: "review"},
		{name: "report_to_court"},
		{name: "extend_stay", args: []string{"until_proceedings_end"}},
		{name: "propose_return"},
		{name: "return_home", args: []string{"court_ref"}},
		{name: "return_refused"},
		{name: "settle_legal_status"},
		{name: "file_legal_status_motion", args: []string{"court_ref"}},
		{name: "notify_court", args: []string{"court_ref"}},
		{name: "refer_for_adoption"},
		{name: "adopt", args: []string{"court_ref"}},
		{name: "leave_care"},
	},
	LifecycleFosterFamily: {
		{name: "qualify"},
		{name: "assign_coordinator", args: []string{"coordinator"}, reads: readsCoordinator},
		{name: "activate", engine: true},
		{name: "assess", args: []string{"result"}},
		{name: "file_placement_end_motion"},
		{name: "suspend"},
		{name: "resume"},
		{name: "dissolve"},
	},
}

// spec returns the table's entry of t, or nil.
func (t Trigger) spec() *triggerSpec {
	for i, s := range triggerTable[t.Lifecycle] {
		if s.name == t.Name {
			return &triggerTable[t.Lifecycle][i]
		}
	}
	return nil
}

// known reports whether lifecycle l has a trigger named name.
func known(l Lifecycle, name string) bool { return Trigger{l, name}.spec() != nil }

// Engine reports whether t is fired by the engine itself, with a child's
// placement, never by a user: a guard on it would never be evaluated.
func (t Trigger) Engine() bool {
	s := t.spec()
	return s != nil && s.engine
}

// Args returns the names of the arguments of t that rules see as args.*,
// e.g. ["urgent"] for family.refer; nil when it takes none.
func (t Trigger) Args() []string {
	if s := t.spec(); s != nil {
		return slices.Clone(s.args)
	}
	return nil
}

// Fills returns the variables a rule of kind k on t can read beyond those
// every trigger of the lifecycle fills: its arguments ("args.urgent") and,
// for a guard or a limit, what the engine resolves for it ("worker.fte",
// "carer.children"). A due rule sees the case after the trigger and the
// trigger's arguments only (docs/rules.md, "Triggers and their variables").
func (t Trigger) Fills(k Kind) []string {
	s := t.spec()
	if s == nil {
		return nil
	}
	var out []string
	for _, a := range s.args {
		out = append(out, "args."+a)
	}
	if k != KindDue {
		out = append(out, s.reads...)
	}
	return out
}

// Triggers lists every trigger rules can be attached to, lifecycle by
// lifecycle.
func Triggers() []Trigger {
	var out []Trigger
	for _, l := range Lifecycles {
		for _, s := range triggerTable[l] {
			out = append(out, Trigger{l, s.name})
		}
	}
	return out
}

// ResolveTrigger finds the triggers a rule's `on` names: "lifecycle.name"
// names one; a bare name names it in every lifecycle that has it (assess and
// report_to_court exist in two). It returns nil when nothing matches.
func ResolveTrigger(name string) []Trigger {
	if l, n, ok := strings.Cut(name, "."); ok {
		if known(Lifecycle(l), n) {
			return []Trigger{{Lifecycle(l), n}}
		}
		return nil
	}
	var out []Trigger
	for _, l := range Lifecycles {
		if known(l, name) {
			out = append(out, Trigger{l, name})
		}
	}
	return out
}

// MarshalText returns "lifecycle.name", for JSON.
func (t Trigger) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// ParseTrigger parses "lifecycle.name" into a known trigger.
func ParseTrigger(s string) (Trigger, bool) {
	l, n, ok := strings.Cut(s, ".")
	if !ok || !known(Lifecycle(l), n) {
		return Trigger{}, false
	}
	return Trigger{Lifecycle(l), n}, true
}

// UnmarshalText reads "lifecycle.name", so that stored decisions decode.
func (t *Trigger) UnmarshalText(b []byte) error {
	tr, ok := ParseTrigger(string(b))
	if !ok {
		return fmt.Errorf("rules: unknown trigger %q", b)
	}
	*t = tr
	return nil
}
