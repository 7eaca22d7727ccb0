package pgstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// Due implements [workflow.Store] from the obligations table, which each
// commit keeps in step with the cases' snapshots: no case is read. The
// covering index on the due date answers a query over every worker, the
// index on (worker_key, due) one over some workers (a worker's calendar,
// a unit's). The rows are those committed when the statement started.
func (s *Store) Due(ctx context.Context, q workflow.DueQuery) ([]workflow.DueEntry, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	var sql strings.Builder
	sql.WriteString(`SELECT case_id, obligation, ref, due, opened, rule, lifecycle, worker_key FROM obligations WHERE due IS NOT NULL`)
	var args []any
	arg := func(cond string, v any) {
		args = append(args, v)
		sql.WriteString(" AND " + cond + " $" + strconv.Itoa(len(args)))
	}
	if !q.From.IsZero() {
		arg("due >=", pgDate(q.From))
	}
	if !q.Until.IsZero() {
		arg("due <=", pgDate(q.Until))
	}
	if len(q.Workers) > 0 {
		args = append(args, q.Workers)
		sql.WriteString(" AND worker_key = ANY($" + strconv.Itoa(len(args)) + "::text[])")
	}
	// Byte order ("C"), as workflow.CompareDue, whatever the database's
	// collation.
	sql.WriteString(` ORDER BY due, case_id COLLATE "C", obligation COLLATE "C", ref COLLATE "C"`)
	// An unnamed statement, planned for these values: a cached generic plan
	// would guess the fraction of rows in "some range of dates" and may
	// read the whole table where an index reads a few pages.
	rows, err := s.pool.Query(ctx, sql.String(), append([]any{pgx.QueryExecModeExec}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: due obligations: %w", err)
	}
	defer rows.Close()
	var (
		out         []workflow.DueEntry
		d           workflow.DueEntry
		due, opened pgtype.Date
		lc, worker  pgtype.Text
	)
	_, err = pgx.ForEachRow(rows, []any{&d.Case, &d.ID, &d.Ref, &due, &opened, &d.Rule, &lc, &worker}, func() error {
		d.Due, d.Opened = ruleDate(due), ruleDate(opened)
		d.Lifecycle = rules.Lifecycle(lc.String)
		d.WorkerKey = worker.String
		d.Overdue = d.Obligation.Overdue(q.On)
		d.DaysLeft = q.On.DaysUntil(d.Due)
		out = append(out, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: due obligations: %w", err)
	}
	return out, nil
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
