package caseload

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// ErrNoScan is returned when the engine's store cannot list its cases
// (it does not implement [workflow.Scanner]).
var ErrNoScan = errors.New("caseload: the store cannot list its cases")

// CalendarQuery selects the entries of a review calendar.
type CalendarQuery struct {
	On rules.Date // the date the calendar is seen from: what is overdue
	// LeadDays shows an obligation from this many days before it is due;
	// overdue ones always show. Negative: every open obligation.
	LeadDays int
	// From and To bound the due dates shown (zero: open).
	From, To rules.Date
	// Worker keeps the obligations of one worker's cases.
	Worker string
}

// Entry is one open obligation in a calendar.
type Entry struct {
	Case       string          `json:"case"`
	Lifecycle  rules.Lifecycle `json:"lifecycle"`
	Obligation string          `json:"obligation"`
	// Ref tells apart obligations of one ID on a case (a plan action's ID
	// for plan_action); the label names it.
	Ref      string     `json:"ref,omitempty"`
	Label    rules.Text `json:"label"`
	Opened   rules.Date `json:"opened"`
	Due      rules.Date `json:"due"`
	Overdue  bool       `json:"overdue"`
	DaysLeft int        `json:"days_left"`
	// Worker is who answers for it: the family's assistant, the foster
	// family's coordinator, or for a child the coordinator of the foster
	// family it lives with; "" when no one is assigned.
	Worker string `json:"worker,omitempty"`
}

// Calendar lists the open obligations across the caseload that the query
// selects, ordered by due date, then case and obligation.
func (c *Caseload) Calendar(ctx context.Context, q CalendarQuery) ([]Entry, error) {
	sc, ok := c.e.Store().(workflow.Scanner)
	if !ok {
		return nil, ErrNoScan
	}
	var entries []Entry
	coordinators := map[string]string{} // foster family → coordinator
	err := sc.Scan(ctx, func(cs *workflow.Case) error {
		if cs.FosterFamily != nil {
			coordinators[cs.ID] = cs.FosterFamily.Coordinator
		}
		for _, o := range cs.Obligations {
			if q.selects(o) {
				entries = append(entries, entryOf(cs, o, q.On))
			}
		}
		return nil
	})
	if err != nil {
		return nil, errorf(err, "kalendarz", "calendar")
	}
	entries = attribute(entries, coordinators, q.Worker)
	sort.Slice(entries, func(i, j int) bool { return entries[i].less(&entries[j]) })
	return entries, nil
}

func (q CalendarQuery) selects(o workflow.Obligation) bool {
	if !q.From.IsZero() && o.Due.Before(q.From) || !q.To.IsZero() && o.Due.After(q.To) {
		return false
	}
	return q.LeadDays < 0 || o.Overdue(q.On) || !q.On.Before(o.Due.AddDays(-q.LeadDays))
}

// childCarer marks entries whose worker is resolved after the scan.
const childCarer = "\x00carer:"

func entryOf(cs *workflow.Case, o workflow.Obligation, on rules.Date) Entry {
	e := Entry{Case: cs.ID, Lifecycle: cs.Lifecycle, Obligation: o.ID, Ref: o.Ref, Label: workflow.ObligationLabel(o.ID),
		Opened: o.Opened, Due: o.Due, Overdue: o.Overdue(on), DaysLeft: on.DaysUntil(o.Due)}
	if o.Ref != "" {
		e.Label = rules.Text{PL: e.Label.PL + " " + o.Ref, EN: e.Label.EN + " " + o.Ref}
	}
	switch {
	case cs.Family != nil:
		e.Worker = cs.Family.Assistant
	case cs.FosterFamily != nil:
		e.Worker = cs.FosterFamily.Coordinator
	case cs.Child != nil && cs.Child.Carer != "":
		e.Worker = childCarer + cs.Child.Carer
	}
	return e
}

// attribute resolves children's workers and keeps one worker's entries.
func attribute(entries []Entry, coordinators map[string]string, worker string) []Entry {
	for i := range entries {
		if carer, ok := strings.CutPrefix(entries[i].Worker, childCarer); ok {
			entries[i].Worker = coordinators[carer]
		}
	}
	if worker == "" {
		return entries
	}
	return slices.DeleteFunc(entries, func(e Entry) bool { return e.Worker != worker })
}

// less compares by pointer: an Entry is 160 bytes, and a national
// calendar sorts some 200,000 of them.
func (e *Entry) less(o *Entry) bool {
	if c := e.Due.Compare(o.Due); c != 0 {
		return c < 0
	}
	if e.Case != o.Case {
		return e.Case < o.Case
	}
	if e.Obligation != o.Obligation {
		return e.Obligation < o.Obligation
	}
	return e.Ref < o.Ref
}

// FormatCalendar renders entries as lines for people, in lang:
// "2016-09-21  F01  okresowa ocena sytuacji rodziny  A1  za 20 dni".
func FormatCalendar(entries []Entry, lang rules.Lang) string {
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "%s  %-8s %-48s %-8s %s\n", e.Due, e.Case, e.Label.In(lang), orDash(e.Worker), when(e, lang))
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func when(e Entry, lang rules.Lang) string {
	pl := lang == rules.Polish
	switch {
	case e.Overdue && pl:
		return fmt.Sprintf("PO TERMINIE (%s)", days(-e.DaysLeft, pl))
	case e.Overdue:
		return fmt.Sprintf("OVERDUE (%s)", days(-e.DaysLeft, pl))
	case e.DaysLeft == 0 && pl:
		return "dziś"
	case e.DaysLeft == 0:
		return "today"
	case pl:
		return "za " + days(e.DaysLeft, pl)
	}
	return "in " + days(e.DaysLeft, pl)
}

// days counts days in Polish (1 dzień, otherwise dni) or English.
func days(n int, pl bool) string {
	switch {
	case pl && n == 1:
		return "1 dzień"
	case pl:
		return fmt.Sprintf("%d dni", n)
	case n == 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}
