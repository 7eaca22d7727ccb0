package pgstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/asysta/asysta/internal/pgstoretest"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
)

// TestCommitCancelledWhileWaiting: a commit whose context ends while it
// waits for a lock has been sent, and the server may still write it once
// the lock is free. Its error says the outcome is unknown (and is still
// the context's error), never that nothing was written.
func TestCommitCancelledWhileWaiting(t *testing.T) {
	s, _ := pgstoretest.New(t)
	ctx := context.Background()
	c := &workflow.Case{ID: "F1", Lifecycle: rules.LifecycleFamily, State: workflow.Referred, Family: &workflow.FamilyFacts{Difficulty: 1}}
	if err := s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{{Case: c}}}); err != nil {
		t.Fatal(err)
	}
	// Another client holds the case's row.
	tx, err := s.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM cases WHERE id = 'F1' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	next := c.Clone()
	next.State = workflow.Analysis
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	before := c.Clone()
	before.Version = 1
	err = s.Commit(short, workflow.Batch{Writes: []workflow.Write{{Case: next, Expected: 1, Before: before}}})
	if rerr := tx.Rollback(ctx); rerr != nil {
		t.Fatal(rerr)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Commit while the row is held, its context ending: %v; want the context's error", err)
	}
	time.Sleep(300 * time.Millisecond) // the server runs what it received
	got, gerr := s.Get(ctx, "F1")
	if gerr != nil {
		t.Fatal(gerr)
	}
	t.Logf("after the lock was released: version %d, state %s", got.Version, got.State)
	if !errors.Is(err, pgstore.ErrOutcomeUnknown) {
		t.Errorf("Commit cancelled after it was sent: %v; want pgstore.ErrOutcomeUnknown (the case is now at version %d)", err, got.Version)
	}
}
