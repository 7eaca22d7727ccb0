package pgstoretest_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/asysta/asysta/internal/pgstoretest"
	"github.com/asysta/asysta/internal/pgtest"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestPool lends a store, writes a case to it, and lends the same schema
// again once the borrower has ended: empty, with its events still
// append-only.
func TestPool(t *testing.T) {
	ctx := context.Background()
	p := pgstoretest.NewPool(t)
	var first *pgstore.Store
	t.Run("first", func(t *testing.T) {
		first = p.Store(t)
		e, err := workflow.New(workflow.WithStore(first))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.DeclareFamily(ctx, "F1", workflow.FamilyInfo{}); err != nil {
			t.Fatal(err)
		}
		// Lent while the first is out: another schema.
		t.Run("nested", func(t *testing.T) {
			if s := p.Store(t); s == first {
				t.Error("a store lent twice at once")
			}
		})
	})
	t.Run("second", func(t *testing.T) {
		s := p.Store(t) // the last returned: first ended after nested
		if s != first {
			t.Fatal("the first schema was not lent again")
		}
		if _, err := s.Get(ctx, "F1"); !errors.Is(err, workflow.ErrNotFound) {
			t.Errorf("Get F1 on a reused store: %v, want ErrNotFound", err)
		}
		var n int
		if err := s.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM index_keys)`).Scan(&n); err != nil || n != 0 {
			t.Errorf("rows left in a reused store: %d (%v)", n, err)
		}
		e, err := workflow.New(workflow.WithStore(s))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.DeclareFamily(ctx, "F1", workflow.FamilyInfo{}); err != nil {
			t.Fatalf("declaring F1 again on a reused store: %v", err)
		}
		if _, err := s.Pool().Exec(ctx, `DELETE FROM events`); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("DELETE FROM events on a reused store: %v, want the append-only refusal", err)
		}
	})
}
