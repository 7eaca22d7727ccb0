package national_test

import (
	"context"
	"testing"

	"github.com/asysta/asysta/caseload/internal/national"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportHistories: with their histories, the cases end as Import
// migrates them, and each history replays to its snapshot.
func TestImportHistories(t *testing.T) {
	ds := national.Generate(1, 0.01)
	reg, err := ds.Registry()
	require.NoError(t, err)
	ctx := context.Background()
	migrated, err := workflow.New(workflow.WithDirectory(reg))
	require.NoError(t, err)
	require.NoError(t, ds.Import(ctx, migrated))
	full, err := workflow.New(workflow.WithDirectory(reg))
	require.NoError(t, err)
	require.NoError(t, ds.ImportHistories(ctx, full))

	n := 0
	require.NoError(t, migrated.Store().(workflow.Scanner).Scan(ctx, func(want *workflow.Case) error {
		got, err := full.Case(ctx, want.ID)
		require.NoError(t, err)
		evs, err := full.History(ctx, want.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(len(evs)), got.Version, want.ID)
		got.Version, want.Version = 0, 0
		assert.Equal(t, want, got, want.ID)
		replayed, err := full.Replay(ctx, want.ID)
		require.NoError(t, err)
		replayed.Version = 0
		assert.Equal(t, got, replayed, want.ID)
		n++
		return nil
	}))
	assert.Equal(t, ds.Cases(), n)
}
