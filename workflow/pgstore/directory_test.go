package pgstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/internal/pgstoretest"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/pgstore"
)

// TestDirectory: posts round-trip, the check sees the same person's other
// posts, and what cannot be stored is refused before the database. The
// separation of roles itself is caseload's, tested with it through
// internal/service's staff conformance suite.
func TestDirectory(t *testing.T) {
	ctx := context.Background()
	s, _ := pgstoretest.New(t)
	var seen []workflow.Worker
	d := pgstore.NewDirectory(s.Pool(), func(w workflow.Worker, others []workflow.Worker) error {
		seen = others
		return nil
	})
	w := workflow.Worker{ID: "A1", Person: "P1", Role: workflow.FamilyAssistant, FTE: 0.5, Employer: "OPS1", Area: "north",
		From: rules.MustParseDate("2020-01-01"), To: rules.MustParseDate("2024-12-31")}
	require.NoError(t, d.PutWorker(ctx, w))
	got, err := d.Worker(ctx, "A1")
	require.NoError(t, err)
	assert.Equal(t, w, got)
	require.NoError(t, d.PutWorker(ctx, workflow.Worker{ID: "SW1", Person: "P1", Role: workflow.SocialWorker}))
	assert.Equal(t, []workflow.Worker{w}, seen, "the check sees the person's other posts, not the post itself")
	assert.Error(t, d.PutWorker(ctx, workflow.Worker{ID: "X\x00", Role: workflow.SocialWorker}))
	assert.Error(t, d.PutWorker(ctx, workflow.Worker{ID: "X1", Role: workflow.SocialWorker, From: rules.NewDate(10000, 1, 1)}))
	_, err = d.Worker(ctx, "X1")
	assert.ErrorIs(t, err, workflow.ErrUnknownWorker)
}
