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

// triggerNames lists every trigger rules can be attached to. Besides the
// contract's triggers, foster_family.activate is fired by the engine when a
// foster family receives its first child, and family.child_placed when a
// child of a family with an open case is placed.
var triggerNames = map[Lifecycle][]string{
	LifecycleFamily: {"refer", "complete_interview", "request_assistant", "apply_za_zyciem", "give_consent",
		"refuse_consent", "court_obligation", "report_to_court", "court_opinion_requested", "submit_court_opinion", "assign_assistant", "reassign_assistant", "approve_plan",
		"revise_plan", "complete_action", "assess", "child_placed",
		"withdraw_consent", "end_work", "end_monitoring", "reopen"},
	LifecycleChild: {"place", "move", "review", "report_to_court", "extend_stay", "propose_return", "return_home",
		"return_refused", "settle_legal_status", "file_legal_status_motion", "notify_court", "refer_for_adoption", "adopt", "leave_care"},
	LifecycleFosterFamily: {"qualify", "assign_coordinator", "activate", "assess", "file_placement_end_motion", "suspend", "resume", "dissolve"},
}

// Triggers lists every trigger rules can be attached to, lifecycle by
// lifecycle.
func Triggers() []Trigger {
	var out []Trigger
	for _, l := range Lifecycles {
		for _, n := range triggerNames[l] {
			out = append(out, Trigger{l, n})
		}
	}
	return out
}

// ResolveTrigger finds the triggers a rule's `on` names: "lifecycle.name"
// names one; a bare name names it in every lifecycle that has it (assess and
// report_to_court exist in two). It returns nil when nothing matches.
func ResolveTrigger(name string) []Trigger {
	if l, n, ok := strings.Cut(name, "."); ok {
		if slices.Contains(triggerNames[Lifecycle(l)], n) {
			return []Trigger{{Lifecycle(l), n}}
		}
		return nil
	}
	var out []Trigger
	for _, l := range Lifecycles {
		if slices.Contains(triggerNames[l], name) {
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
	if !ok || !slices.Contains(triggerNames[Lifecycle(l)], n) {
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
