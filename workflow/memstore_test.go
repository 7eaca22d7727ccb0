package workflow_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) workflow.Store { return workflow.NewMemoryStore() })
}

// TestMemoryStore_emptyEvent: a store's first event may name nothing (no
// states, trigger, actor or revision): it is stored and read back.
func TestMemoryStore_emptyEvent(t *testing.T) {
	s := workflow.NewMemoryStore()
	ctx := context.Background()
	c := &workflow.Case{ID: "x", Lifecycle: rules.LifecycleFamily, Family: &workflow.FamilyFacts{}}
	ev := workflow.Event{Case: "x", Lifecycle: rules.LifecycleFamily, Seq: 1}
	require.NoError(t, s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{{Case: c, Events: []workflow.Event{ev}}}}))
	evs, err := s.Events(ctx, "x")
	require.NoError(t, err)
	assert.Equal(t, []workflow.Event{ev}, evs)
}

// TestMemoryStore_scanDoesNotBlockWriters: fn runs with no lock held, so it
// may commit to the store it scans; a case is seen as it was at some
// moment of the scan.
func TestMemoryStore_scanDoesNotBlockWriters(t *testing.T) {
	s := workflow.NewMemoryStore()
	ctx := context.Background()
	ids := []string{"F1", "F2", "F3"}
	for _, id := range ids {
		c := &workflow.Case{ID: id, Lifecycle: rules.LifecycleFamily, State: workflow.Referred, Family: &workflow.FamilyFacts{}}
		require.NoError(t, s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{{Case: c}}}))
	}
	seen := map[string]int64{}
	err := s.Scan(ctx, func(c *workflow.Case) error {
		seen[c.ID] = c.Version
		for _, id := range ids { // a writer while the scan is under way
			cur, err := s.Get(ctx, id)
			require.NoError(t, err)
			if err := s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{{Case: cur, Expected: cur.Version, Before: cur.Clone()}}}); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	assert.Len(t, seen, 3)
	for id, v := range seen {
		assert.Positive(t, v, id)
	}
	assert.ElementsMatch(t, []int64{1, 2, 3}, []int64{seen["F1"], seen["F2"], seen["F3"]},
		"each case as it was when the scan reached it")
	f1, err := s.Get(ctx, "F1")
	require.NoError(t, err)
	assert.Equal(t, int64(4), f1.Version)
}

// TestMemoryStore_scanCancelled: a cancelled scan stops with the context's
// error.
func TestMemoryStore_scanCancelled(t *testing.T) {
	s := workflow.NewMemoryStore()
	ctx, cancel := context.WithCancel(context.Background())
	c := &workflow.Case{ID: "F1", Lifecycle: rules.LifecycleFamily, Family: &workflow.FamilyFacts{}}
	require.NoError(t, s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{{Case: c}}}))
	cancel()
	calls := 0
	assert.ErrorIs(t, s.Scan(ctx, func(*workflow.Case) error { calls++; return nil }), context.Canceled)
	assert.Zero(t, calls)
}

// A scan holds no lock while it hands out a case: a writer that commits
// from inside it goes through, and the scan sees each case once.
func TestMemoryStoreScanLetsWritersIn(t *testing.T) {
	ctx := context.Background()
	s := workflow.NewMemoryStore()
	for _, id := range []string{"F1", "F2", "F3"} {
		c := &workflow.Case{ID: id, Lifecycle: rules.LifecycleFamily, State: workflow.AssistantRequested, Family: &workflow.FamilyFacts{}}
		require.NoError(t, s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{{Case: c}}}))
	}
	seen := map[string]int{}
	err := s.Scan(ctx, func(c *workflow.Case) error {
		seen[c.ID]++
		before := c.Clone()
		c.Family.Difficulty = 2
		return s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{{Case: c, Expected: c.Version, Before: before}}})
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"F1": 1, "F2": 1, "F3": 1}, seen)
	due, err := s.Due(ctx, workflow.DueQuery{})
	require.NoError(t, err)
	assert.Empty(t, due)
	for _, id := range []string{"F1", "F2", "F3"} {
		c, err := s.Get(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, int64(2), c.Version, id)
	}
}

// TestMemoryStoreRefusesEditedBefore: the reference store refuses a write
// whose Before is not the case it holds (edited after it was read), which
// a store writing only what changed would file wrongly; nothing is written.
func TestMemoryStoreRefusesEditedBefore(t *testing.T) {
	ctx := context.Background()
	s := workflow.NewMemoryStore()
	c := &workflow.Case{ID: "F1", Lifecycle: rules.LifecycleFamily, State: workflow.AssistantPlanning,
		Family: &workflow.FamilyFacts{Assistant: "A1", Difficulty: 1}}
	require.NoError(t, s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{{Case: c}}}))
	read, err := s.Get(ctx, "F1")
	require.NoError(t, err)
	read.Family.Difficulty = 3 // changed in place: Before is no longer what was read
	err = s.Commit(ctx, workflow.Batch{Writes: []workflow.Write{{Case: read, Expected: 1, Before: read}}})
	require.EqualError(t, err, "workflow: case F1: the write's Before is not the case as stored at version 1: pass the case as the store gave it, unchanged, and change a clone")
	assert.NotErrorIs(t, err, workflow.ErrConflict)
	got, err := s.Get(ctx, "F1")
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version)
	assert.Equal(t, 1.0, got.Family.Difficulty)
}
