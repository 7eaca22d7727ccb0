// Package downstreamtest shows how an OPS system's own test suite uses
// asysta: scenario files in testdata/ run with scenario.Test, the same kind
// of story written in Go with scenario.NewStory, and the OPS system's own
// code (here, the reminders it sends) tested against the engine.
package downstreamtest

import (
	"fmt"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Reminder is what the fictional OPS system sends a worker.
type Reminder struct {
	Worker string
	Text   string
}

// Reminders turns the open obligations of a case into reminders for its
// assistant: the OPS system's own code, which its tests check against the
// engine's due dates.
func Reminders(c *workflow.Case, on rules.Date, lang rules.Lang) []Reminder {
	if c.Family == nil || c.Family.Assistant == "" {
		return nil
	}
	var out []Reminder
	for _, s := range workflow.StatusOn(c, on) {
		label := workflow.ObligationLabel(s.ID).In(lang)
		text := fmt.Sprintf("%s %s: %s (%d)", c.ID, label, s.Due, s.DaysLeft)
		if s.Overdue {
			text = "! " + text
		}
		out = append(out, Reminder{Worker: c.Family.Assistant, Text: text})
	}
	return out
}
