package pgstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/asysta/asysta/internal/pgstoretest"
	"github.com/asysta/asysta/internal/pgtest"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
	"github.com/asysta/asysta/workflow/storetest"
)

// TestMain stops the throwaway cluster pgtest may start (unless this is a
// helper process of the multi-process tests, which uses its parent's).
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// openPool opens a pool on the database at u, closed when the test ends.
func openPool(t testing.TB, u string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), u)
	if err != nil {
		t.Fatalf("pgxpool.New: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// TestConformance runs workflow/storetest, each subtest on a fresh schema.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) workflow.Store {
		s, _ := pgstoretest.New(t)
		return s
	})
}

// TestMigrateConcurrently migrates one schema from several pools at once,
// as instances starting together do, then again: one set of tables, one
// row per migration.
func TestMigrateConcurrently(t *testing.T) {
	u := pgtest.Schema(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pool, err := pgxpool.New(ctx, u)
			if err != nil {
				errs <- err
				return
			}
			defer pool.Close()
			errs <- pgstore.Migrate(ctx, pool)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Migrate: %v", err)
		}
	}
	pool := openPool(t, u)
	if err := pgstore.Migrate(ctx, pool); err != nil {
		t.Fatalf("Migrate again: %v", err)
	}
	var n, v int
	if err := pool.QueryRow(ctx, `SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &v); err != nil {
		t.Fatal(err)
	}
	if n != pgstore.SchemaVersion || v != pgstore.SchemaVersion {
		t.Errorf("schema_migrations: %d rows up to version %d, want %d", n, v, pgstore.SchemaVersion)
	}
	// A database migrated by a later release is refused.
	if _, err := pool.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')`); err != nil {
		t.Fatal(err)
	}
	if err := pgstore.Migrate(ctx, pool); err == nil {
		t.Errorf("Migrate over a newer schema succeeded")
	}
}

// TestOpen opens a store by URL, which migrates.
func TestOpen(t *testing.T) {
	u := pgtest.Schema(t)
	s, err := pgstore.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	if _, err := s.Get(context.Background(), "F1"); !errors.Is(err, workflow.ErrNotFound) {
		t.Errorf("Get on an empty store: %v, want ErrNotFound", err)
	}
}

// TestEventsAppendOnly: the trigger refuses UPDATE and DELETE of events.
func TestEventsAppendOnly(t *testing.T) {
	s, _ := pgstoretest.New(t)
	ctx := context.Background()
	e := engine(t, s)
	declareFamily(t, e, "F1")
	for _, sql := range []string{`UPDATE events SET event = '{}'`, `DELETE FROM events`} {
		if _, err := s.Pool().Exec(ctx, sql); err == nil {
			t.Errorf("%s succeeded on the append-only events", sql)
		}
	}
	if evs, err := s.Events(ctx, "F1"); err != nil || len(evs) != 1 {
		t.Errorf("Events after refused changes = %d, %v; want 1", len(evs), err)
	}
}

// TestObligationRows: the obligations table follows each snapshot, and
// Due lists them by due date with who answers.
func TestObligationRows(t *testing.T) {
	s, _ := pgstoretest.New(t)
	ctx := context.Background()
	e := engine(t, s)
	assigned(t, e, "F1", "A1") // refer opens the interview; assign_assistant the assessment
	assigned(t, e, "F2", "A2")
	checkObligationRows(t, s)
	on := rules.MustParseDate("2016-03-01")
	got, err := s.Due(ctx, workflow.DueQuery{On: on})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("Due = %+v, want the two families' assessments", got)
	}
	for i, d := range got {
		f, _ := e.Case(ctx, d.Case)
		o, ok := f.Obligation(d.ID)
		if !ok || o != d.Obligation || d.Lifecycle != rules.LifecycleFamily || d.WorkerKey != workflow.AssistantKey(f.Family.Assistant) {
			t.Errorf("Due row %d = %+v; case has %+v", i, d, f.Obligations)
		}
		if d.DaysLeft != on.DaysUntil(d.Due) || d.Overdue != d.Obligation.Overdue(on) {
			t.Errorf("Due row %d seen on %s: %+v", i, on, d)
		}
	}
	// The worker's index gives the same rows as the due date's.
	for _, d := range got {
		mine, err := s.Due(ctx, workflow.DueQuery{On: on, Workers: []string{d.WorkerKey}})
		if err != nil || len(mine) != 1 || mine[0] != d {
			t.Errorf("Due(worker %s) = %+v, %v; want [%+v]", d.WorkerKey, mine, err, d)
		}
	}
	// Closing the case closes its obligations.
	if _, err := e.Fire(ctx, "F1", workflow.Command{Trigger: "end_work", Actor: actH, On: rules.MustParseDate("2016-06-01"),
		Args: workflow.Args{"reason": "goals_achieved"}}); err != nil {
		t.Fatalf("end_work: %v", err)
	}
	checkObligationRows(t, s)
}

// checkObligationRows fails unless every case's rows in the obligations
// table are its snapshot's open obligations.
func checkObligationRows(t testing.TB, s *pgstore.Store) {
	t.Helper()
	ctx := context.Background()
	rows := map[string][]string{}
	r, err := s.Pool().Query(ctx, `SELECT case_id, obligation || '/' || ref, coalesce(to_char(due, 'YYYY-MM-DD'), ''),
		coalesce(to_char(opened, 'YYYY-MM-DD'), ''), rule, lifecycle, coalesce(worker_key, '') FROM obligations`)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var id, obl, due, opened, rule, lc, wk string
		if err := r.Scan(&id, &obl, &due, &opened, &rule, &lc, &wk); err != nil {
			t.Fatal(err)
		}
		rows[id] = append(rows[id], obl+" "+due+" "+opened+" "+rule+" "+lc+" "+wk)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	seen := 0
	err = s.Scan(ctx, func(c *workflow.Case) error {
		var want []string
		for _, o := range c.Obligations {
			want = append(want, o.ID+"/"+o.Ref+" "+o.Due.String()+" "+o.Opened.String()+" "+o.Rule+" "+string(c.Lifecycle)+" "+workflow.WorkerKey(c))
		}
		got := rows[c.ID]
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: obligation rows %q, snapshot %q", c.ID, got, want)
		}
		seen += len(got)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, rs := range rows {
		total += len(rs)
	}
	if total != seen {
		t.Errorf("%d obligation rows, %d belong to stored cases", total, seen)
	}
}

// TestSnapshotRoundTrip: a case with every kind of fact reads back as it
// was written, and the event never carries the child's date of birth.
func TestSnapshotRoundTrip(t *testing.T) {
	s, _ := pgstoretest.New(t)
	ctx := context.Background()
	e := engine(t, s)
	born := rules.MustParseDate("2012-05-10")
	if err := e.DeclareChild(ctx, "C1", workflow.ChildInfo{Family: "F1", Born: born}); err != nil {
		t.Fatal(err)
	}
	c, err := s.Get(ctx, "C1")
	if err != nil || c.Child == nil || c.Child.Born != born || c.Version != 1 {
		t.Fatalf("Get(C1) = %+v, %v", c, err)
	}
	var raw string
	if err := s.Pool().QueryRow(ctx, `SELECT event::text FROM events WHERE case_id = 'C1'`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if !json.Valid([]byte(raw)) || strings.Contains(raw, born.String()) {
		t.Errorf("the event of C1 holds the date of birth: %s", raw)
	}
}

// TestEventsRoundTrip: the history read back is the events the engine
// appended, decisions included (their rules' kinds and severities and
// their triggers).
func TestEventsRoundTrip(t *testing.T) {
	s, _ := pgstoretest.New(t)
	ctx := context.Background()
	e := engine(t, s)
	requested(t, e, "F1")
	var want []workflow.Event
	for _, cmd := range []workflow.Command{
		{Trigger: "assign_assistant", Actor: actH, On: rules.MustParseDate("2016-02-10"), Args: workflow.Args{"assistant": "A1"}},
		{Trigger: "assess", Actor: assistant("A1"), On: rules.MustParseDate("2016-04-10"), Args: workflow.Args{"result": "negative"}},
	} {
		o, err := e.Fire(ctx, "F1", cmd)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, o.Event)
	}
	evs, err := s.Events(ctx, "F1")
	if err != nil {
		t.Fatal(err)
	}
	if len(want[0].Decision.Rules) == 0 {
		t.Fatalf("assign_assistant's decision has no rules: nothing to round-trip")
	}
	got := evs[len(evs)-2:]
	for i := range want {
		g, _ := json.Marshal(got[i])
		w, _ := json.Marshal(want[i])
		if string(g) != string(w) {
			t.Errorf("event %d:\n got %s\nwant %s", got[i].Seq, g, w)
		}
		if !reflect.DeepEqual(got[i].Decision.Trigger, want[i].Decision.Trigger) ||
			!reflect.DeepEqual(got[i].Decision.Rules, want[i].Decision.Rules) {
			t.Errorf("event %d: decision read back as %+v, want %+v", got[i].Seq, got[i].Decision, want[i].Decision)
		}
	}
}
