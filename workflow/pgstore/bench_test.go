package pgstore_test

// The benchmarks of the PostgreSQL store. docs/performance.md ("PostgreSQL
// store") records their figures:
//
//	go test -run '^$' -bench . -benchtime 20x -count 3 ./workflow/pgstore/
//	ASYSTA_PGTEST_DURABLE=1 go test -run '^$' -bench PGFire -benchtime 20x ./workflow/pgstore/
//
// They run on the server pgtest gives: ASYSTA_PG_URL, or a throwaway
// cluster on this machine (fsync off unless ASYSTA_PGTEST_DURABLE=1).

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/asysta/asysta/internal/pgstoretest"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// benchFamilies is the number of families BenchmarkPGFire fires on, each
// with an assistant of its own, so that concurrent firings rarely meet on
// one case or one assistant's key.
const benchFamilies = 128

func isConflict(err error) bool {
	var ce *workflow.ConflictError
	return errors.As(err, &ce)
}

// benchCases is the size of the caseload the due-obligations query runs
// over.
const benchCases = 1_000_000

// BenchmarkDue lists the open obligations due in the next two weeks
// (before 2016-01-15, due dates spread evenly over 2016: about 3.8 % of
// them, some 38,000 rows) out of one million cases with one open
// obligation each, loaded once with COPY outside the timer. It reports the
// rows listed per operation.
func BenchmarkDue(b *testing.B) {
	ctx := context.Background()
	s, _ := pgstoretest.New(b)
	start := time.Now()
	loadCaseload(b, s.Pool(), benchCases)
	b.Logf("loaded %d cases and obligations in %v", benchCases, time.Since(start).Round(time.Millisecond))
	first := rules.MustParseDate("2016-01-01")
	before := first.AddDays(14)
	b.Run("two_weeks_of_1M", func(b *testing.B) {
		rows := 0
		for b.Loop() {
			due, err := s.Due(ctx, workflow.DueQuery{Until: before.AddDays(-1), On: first})
			if err != nil {
				b.Fatal(err)
			}
			rows = len(due)
		}
		b.ReportMetric(float64(rows), "rows/op")
	})
}

// loadCaseload copies n family cases, each in assistant_work with one open
// family_assessment obligation due on a day of 2016, into the tables.
func loadCaseload(b *testing.B, pool *pgxpool.Pool, n int) {
	b.Helper()
	ctx := context.Background()
	first := rules.MustParseDate("2016-01-01")
	due := func(i int) rules.Date { return first.AddDays(i % 366) }
	_, err := pool.CopyFrom(ctx, pgx.Identifier{"cases"}, []string{"id", "lifecycle", "state", "version", "keys", "snapshot"},
		pgx.CopyFromFunc(newCopier(n, func(i int) ([]any, error) {
			id := fmt.Sprintf("F%07d", i)
			worker := fmt.Sprintf("A%05d", i/15)
			d := due(i)
			snap := fmt.Sprintf(`{"id":%q,"lifecycle":"family","state":"assistant_work.implementing","version":1,`+
				`"family":{"difficulty":1,"assistant":%q},"obligations":[{"id":"family_assessment","opened":%q,"due":%q,"rule":"due.family_assessment"}]}`,
				id, worker, d.AddMonths(-6), d)
			return []any{id, "family", "assistant_work.implementing", int64(1), []string{workflow.AssistantKey(worker)}, []byte(snap)}, nil
		})))
	if err != nil {
		b.Fatalf("COPY cases: %v", err)
	}
	_, err = pool.CopyFrom(ctx, pgx.Identifier{"obligations"}, []string{"case_id", "obligation", "due", "opened", "rule", "lifecycle", "worker_key"},
		pgx.CopyFromFunc(newCopier(n, func(i int) ([]any, error) {
			d := due(i)
			return []any{fmt.Sprintf("F%07d", i), workflow.OblFamilyAssessment, pgtype.Date{Time: d.Time(), Valid: true},
				pgtype.Date{Time: d.AddMonths(-6).Time(), Valid: true}, "due.family_assessment", "family",
				workflow.AssistantKey(fmt.Sprintf("A%05d", i/15))}, nil
		})))
	if err != nil {
		b.Fatalf("COPY obligations: %v", err)
	}
	// As autovacuum would in time: statistics, and the visibility map that
	// lets the due-date index answer without reading the table. A vacuum
	// right after the load may find the rows not yet visible to every
	// snapshot (an autovacuum worker's, say): vacuum again until they are.
	for attempt := 0; ; attempt++ {
		if _, err := pool.Exec(ctx, `VACUUM ANALYZE cases`); err != nil {
			b.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `VACUUM ANALYZE obligations`); err != nil {
			b.Fatal(err)
		}
		var visible float64
		if err := pool.QueryRow(ctx, `SELECT relallvisible::float8 / greatest(relpages, 1) FROM pg_class
			WHERE oid = 'obligations'::regclass`).Scan(&visible); err != nil {
			b.Fatal(err)
		}
		if visible > 0.99 || attempt == 20 {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// newCopier returns a CopyFromFunc source of n rows made by row.
func newCopier(n int, row func(int) ([]any, error)) func() ([]any, error) {
	i := 0
	return func() ([]any, error) {
		if i == n {
			return nil, nil
		}
		i++
		return row(i - 1)
	}
}
