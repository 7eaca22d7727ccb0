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
