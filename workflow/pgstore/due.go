package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Due is an open obligation as the obligations table holds it: the
// obligation seen on a date, and who answers for it.
type Due struct {
	workflow.ObligationStatus
	// WorkerKey is the index key of who answers for the obligation (see
	// [WorkerKey]): "assistant:A1", "coordinator:K1", or "carer:R1" for a
	// child in care, whose carer's coordinator answers; "" when no one is
	// assigned.
	WorkerKey string `json:"worker_key,omitempty"`
}

// DueBefore calls fn with every open obligation due before the date
// before (strictly: pass a day later to include the day itself), as seen
// on the date on (Overdue, DaysLeft), in order of due date, then case,
// then obligation and its reference, until fn returns an error, which DueBefore returns.
//
// It is the calendar's capability: an index on the due date answers it
// without reading any case, where [Store.Scan] reads them all. The rows
// are those of the cases' snapshots as committed when the statement
// started. fn runs while the rows are read and a connection is held:
// collect what it needs and act afterwards rather than calling the store
// from it. Obligations without a due date are never listed.
func (s *Store) DueBefore(ctx context.Context, before, on rules.Date, fn func(Due) error) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	// An unnamed statement, planned for this date: a cached generic plan
	// would guess the fraction of rows before "some date" and may read the
	// whole table where the index reads a few pages.
	rows, err := s.pool.Query(ctx, `SELECT case_id, obligation, ref, due, opened, rule, lifecycle, worker_key
		FROM obligations WHERE due < $1 ORDER BY due, case_id, obligation, ref`, pgx.QueryExecModeExec, pgDate(before))
	if err != nil {
		return fmt.Errorf("pgstore: due before %s: %w", before, err)
	}
	defer rows.Close()
	var (
		d            Due
		due, opened  pgtype.Date
		lc, workerKy pgtype.Text
	)
	_, err = pgx.ForEachRow(rows, []any{&d.Case, &d.ID, &d.Ref, &due, &opened, &d.Rule, &lc, &workerKy}, func() error {
		d.Due, d.Opened = ruleDate(due), ruleDate(opened)
		d.Lifecycle = rules.Lifecycle(lc.String)
		d.WorkerKey = workerKy.String
		d.Overdue = d.Obligation.Overdue(on)
		d.DaysLeft = on.DaysUntil(d.Due)
		return fn(d)
	})
	if err != nil {
		return fmt.Errorf("pgstore: due before %s: %w", before, err)
	}
	return nil
}

// WorkerKey returns the index key of who answers for c's obligations, as
// the obligations table records it: the family's assistant
// ([workflow.AssistantKey]), the foster family's coordinator
// ([workflow.CoordinatorKey]), or for a child its carer
// ([workflow.CarerKey]), through whose foster family a coordinator is
// found; "" when no one is assigned.
func WorkerKey(c *workflow.Case) string {
	switch {
	case c.Family != nil && c.Family.Assistant != "":
		return workflow.AssistantKey(c.Family.Assistant)
	case c.FosterFamily != nil && c.FosterFamily.Coordinator != "":
		return workflow.CoordinatorKey(c.FosterFamily.Coordinator)
	case c.Child != nil && c.Child.Carer != "":
		return workflow.CarerKey(c.Child.Carer)
	}
	return ""
}

// pgDate is d as a date column: NULL for the zero Date.
func pgDate(d rules.Date) pgtype.Date {
	return pgtype.Date{Time: d.Time(), Valid: !d.IsZero()}
}

func ruleDate(d pgtype.Date) rules.Date {
	if !d.Valid {
		return rules.Date{}
	}
	return rules.DateFromTime(d.Time)
}
