package caseload

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

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
	// Unit keeps the obligations of the cases of the assistants and
	// coordinators an OPS or PCPR (their Employer) employs on date On.
	Unit string `json:"unit,omitempty"`
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
// selects, ordered by due date, then case and obligation. It asks the
// store for the due obligations ([workflow.Store.Due]) of the workers
// selected, and no case but the foster families its children live with.
func (c *Caseload) Calendar(ctx context.Context, q CalendarQuery) ([]Entry, error) {
	entries, err := c.calendar(ctx, q)
	if err != nil {
		return nil, errorf(err, "kalendarz", "calendar")
	}
	return entries, nil
}

func (c *Caseload) calendar(ctx context.Context, q CalendarQuery) ([]Entry, error) {
	dq := workflow.DueQuery{On: q.On, From: q.From, Until: q.To}
	if q.LeadDays >= 0 {
		// Shown from LeadDays before the due date: due on or before
		// On+LeadDays, which takes in every overdue one.
		if lead := q.On.AddDays(q.LeadDays); dq.Until.IsZero() || lead.Before(dq.Until) {
			dq.Until = lead
		}
	}
	var workers map[string]workflow.Role // nil: everyone's
	if q.Worker != "" || q.Unit != "" {
		var err error
		if workers, err = c.calendarWorkers(ctx, q); err != nil {
			return nil, err
		}
		if len(workers) == 0 {
			return []Entry{}, nil
		}
		if dq.Workers, err = c.workerKeys(ctx, workers); err != nil {
			return nil, err
		}
	}
	due, err := c.e.Store().Due(ctx, dq)
	if err != nil {
		return nil, err
	}
	coordinators, err := c.carersCoordinators(ctx, due)
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, 0, len(due))
	for _, d := range due {
		e := Entry{Case: d.Case, Lifecycle: d.Lifecycle, Obligation: d.ID, Ref: d.Ref, Label: workflow.ObligationLabel(d.ID),
			Opened: d.Opened, Due: d.Due, Overdue: d.Overdue, DaysLeft: d.DaysLeft, Worker: workerOf(d.WorkerKey, coordinators)}
		if d.Ref != "" {
			e.Label = rules.Text{PL: e.Label.PL + " " + d.Ref, EN: e.Label.EN + " " + d.Ref}
		}
		if _, ok := workers[e.Worker]; workers == nil || ok {
			entries = append(entries, e)
		}
	}
	return entries, nil
}

// calendarWorkers returns the workers whose obligations a query keeps,
// with their roles: its worker, its unit's assistants and coordinators, or
// the worker if the unit employs them. A worker the registry does not know
// is looked for as an assistant and as a coordinator. A worker is looked
// up in the engine's directory; a unit's staff needs the Registry.
func (c *Caseload) calendarWorkers(ctx context.Context, q CalendarQuery) (map[string]workflow.Role, error) {
	out := map[string]workflow.Role{}
	if q.Unit == "" {
		w, err := c.e.Directory().Worker(ctx, q.Worker)
		if err != nil {
			w.Role = ""
		}
		out[q.Worker] = w.Role
		return out, nil
	}
	if c.reg == nil {
		return nil, errorf(nil, "kalendarz jednostki %s wymaga rejestru pracowników (caseload.Registry)",
			"the calendar of unit %s needs the staff registry (caseload.Registry)", q.Unit)
	}
	for _, w := range c.reg.Employees(q.Unit, q.On, func(w workflow.Worker) bool {
		return w.Role == workflow.FamilyAssistant || w.Role == workflow.FosterCareCoordinator
	}) {
		if q.Worker == "" || q.Worker == w.ID {
			out[w.ID] = w.Role
		}
	}
	return out, nil
}

// workerKeys returns the index keys whose obligations the workers answer
// for: an assistant's families, a coordinator's foster families, and the
// children living with those foster families.
func (c *Caseload) workerKeys(ctx context.Context, workers map[string]workflow.Role) ([]string, error) {
	var keys, coordinators []string
	for _, w := range slices.Sorted(maps.Keys(workers)) {
		role := workers[w]
		if role != workflow.FosterCareCoordinator {
			keys = append(keys, workflow.AssistantKey(w))
		}
		if role != workflow.FamilyAssistant {
			keys = append(keys, workflow.CoordinatorKey(w))
			coordinators = append(coordinators, workflow.CoordinatorKey(w))
		}
	}
	if len(coordinators) == 0 {
		return keys, nil
	}
	supported, err := c.e.Store().IndexMany(ctx, coordinators)
	if err != nil {
		return nil, err
	}
	for _, k := range coordinators {
		for _, ff := range supported[k] {
			keys = append(keys, workflow.CarerKey(ff.Case))
		}
	}
	return keys, nil
}

// carersCoordinators returns the coordinator of each foster family that a
// child of due lives with (an institution has none).
func (c *Caseload) carersCoordinators(ctx context.Context, due []workflow.DueEntry) (map[string]string, error) {
	var keys []string
	seen := map[string]bool{}
	for _, d := range due {
		if carer, ok := strings.CutPrefix(d.WorkerKey, carerKey); ok && !seen[carer] {
			seen[carer] = true
			keys = append(keys, workflow.FosterFamilyKey(carer))
		}
	}
	out := map[string]string{}
	if len(keys) == 0 {
		return out, nil
	}
	families, err := c.e.Store().IndexMany(ctx, keys)
	if err != nil {
		return nil, err
	}
	for _, ffs := range families {
		for _, ff := range ffs {
			if ff.Coordinator != "" {
				out[ff.Case] = ff.Coordinator
			}
		}
	}
	return out, nil
}

var (
	carerKey       = workflow.CarerKey("")
	assistantKey   = workflow.AssistantKey("")
	coordinatorKey = workflow.CoordinatorKey("")
)

// workerOf returns who answers for an obligation filed under worker key
// k: the assistant, the coordinator, or a child's carer's coordinator.
func workerOf(k string, coordinators map[string]string) string {
	if carer, ok := strings.CutPrefix(k, carerKey); ok {
		return coordinators[carer]
	}
	if w, ok := strings.CutPrefix(k, assistantKey); ok {
		return w
	}
	w, _ := strings.CutPrefix(k, coordinatorKey)
	return w
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
