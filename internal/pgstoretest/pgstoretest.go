// Package pgstoretest gives tests workflow/pgstore stores of their own, on
// the server internal/pgtest provides. A test package using it wires
// pgtest in TestMain, so that a cluster started for its tests is stopped:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
package pgstoretest

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/asysta/asysta/internal/pgtest"
	"github.com/asysta/asysta/workflow/pgstore"
)

// New opens a store with [pgstore.Open] on a fresh schema of the test
// server (see [pgtest.Schema]), migrated, and returns it with the schema's
// URL, for tests that open more pools on it. When the test ends the
// store's pool is closed and the schema dropped. With no server to be had
// it skips the test, or under CI fails it, as [pgtest.URL] does.
func New(t testing.TB) (*pgstore.Store, string) {
	t.Helper()
	u := pgtest.Schema(t)
	s, err := pgstore.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("pgstore.Open: %v", err)
	}
	t.Cleanup(s.Close) // registered after Schema's, so it runs before the schema is dropped
	return s, u
}

// Pool lends empty stores to the subtests of one test, for suites that
// want a store per subtest by the hundred: a schema created and migrated
// by [New] costs some 40 ms, while emptying a used one costs some 3 ms.
// A store goes back to the pool, emptied, when the subtest that borrowed
// it ends; the schemas are dropped when the owning test ends.
type Pool struct {
	owner testing.TB
	mu    sync.Mutex
	free  []*pgstore.Store
}

// NewPool returns a pool whose schemas belong to t. It skips t, or under
// CI fails it, when no server can be had.
func NewPool(t testing.TB) *Pool {
	t.Helper()
	pgtest.URL(t)
	return &Pool{owner: t}
}

// Store lends t an empty store, until t ends.
func (p *Pool) Store(t testing.TB) *pgstore.Store {
	t.Helper()
	p.mu.Lock()
	var s *pgstore.Store
	if n := len(p.free); n > 0 {
		s, p.free = p.free[n-1], p.free[:n-1]
	}
	p.mu.Unlock()
	if s == nil {
		u := pgtest.Schema(p.owner)
		var err error
		if s, err = pgstore.Open(context.Background(), u); err != nil {
			t.Fatalf("pgstore.Open: %v", err)
		}
		p.owner.Cleanup(s.Close)
	}
	t.Cleanup(func() {
		if err := empty(s); err != nil {
			t.Errorf("pgstoretest: emptying the store for the next test: %v", err)
			return // not reused
		}
		p.mu.Lock()
		p.free = append(p.free, s)
		p.mu.Unlock()
	})
	return s
}

// empty deletes every row of the schema's tables but schema_migrations.
// The events are append-only (a trigger refuses DELETE): as for removing
// a history at the end of its retention period, the table owner turns the
// trigger off for this one transaction, and it is on again at commit.
func empty(s *pgstore.Store) error {
	ctx := context.Background()
	return pgx.BeginFunc(ctx, s.Pool(), func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `ALTER TABLE events DISABLE TRIGGER events_append_only;
			DELETE FROM obligations; DELETE FROM index_entries; DELETE FROM index_keys;
			DELETE FROM events; DELETE FROM cases;
			DELETE FROM staff_workers; DELETE FROM staff_institutions; DELETE FROM idempotency_records;
			ALTER TABLE events ENABLE TRIGGER events_append_only`)
		return err
	})
}
