package workflow

import (
	"github.com/asysta/asysta/rules"
)

// Actor is who fires a trigger: a worker ID and the role they act in.
type Actor struct {
	ID   string `json:"id"`
	Role Role   `json:"role"`
}

// Event is one accepted transition in a case's append-only history. It
// holds IDs, codes and dates only, and is the audit record of the change.
type Event struct {
	Case      string          `json:"case"`
	Lifecycle rules.Lifecycle `json:"lifecycle"`
	// Seq is the case's version after the event: 1 for the first.
	Seq     int64      `json:"seq"`
	From    State      `json:"from"`
	To      State      `json:"to"`
	Trigger string     `json:"trigger"`
	Actor   Actor      `json:"actor"`
	On      rules.Date `json:"on"`
	// Args are the trigger's arguments: IDs, codes, flags and counts.
	Args map[string]any `json:"args,omitempty"`
	// Cause names the case whose transition fired this one, e.g. the
	// child whose placement activated a foster family.
	Cause    string          `json:"cause,omitempty"`
	Revision string          `json:"revision"`
	Decision *rules.Decision `json:"decision,omitempty"`
}

// TriggerDeclare is the trigger of the first event of a declared case.
const TriggerDeclare = "declare"

// TriggerActivate is fired by the engine on a foster family when its first
// child is placed: a foster family "becomes active with its first placed
// child" (docs/workflow.md, "Additions beyond the contract").
const TriggerActivate = "activate"
