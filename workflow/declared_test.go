package workflow_test

import (
	"context"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEngine_Fire_declaredFamily: on a declared family with no case, any
// trigger but refer or apply_za_zyciem is invalid, whoever fires it
// (docs/workflow.md, "Firing, and what comes back"), even a role that could
// never fire it.
func TestEngine_Fire_declaredFamily(t *testing.T) {
	ctx := context.Background()
	dir := workflow.NewMemoryDirectory()
	require.NoError(t, dir.AddWorker(workflow.Worker{ID: "SW", Role: workflow.SocialWorker}))
	require.NoError(t, dir.AddWorker(workflow.Worker{ID: "O", Role: workflow.FosterCareOrganizer}))
	e, err := workflow.New(workflow.WithDirectory(dir))
	require.NoError(t, err)
	require.NoError(t, e.DeclareFamily(ctx, "F", workflow.FamilyInfo{}))
	on := rules.MustParseDate("2025-05-05")
	for _, tc := range []struct {
		trigger string
		by      workflow.Actor
	}{
		{"assess", workflow.Actor{ID: "SW", Role: workflow.SocialWorker}},
		{"end_work", workflow.Actor{ID: "O", Role: workflow.FosterCareOrganizer}},
		{"complete_interview", workflow.Actor{ID: "SW", Role: workflow.SocialWorker}},
	} {
		_, err := e.Fire(ctx, "F", workflow.Command{Trigger: tc.trigger, Actor: tc.by, On: on})
		assert.ErrorIs(t, err, workflow.ErrInvalidTransition, tc.trigger)
	}
	_, err = e.Fire(ctx, "F", workflow.Command{Trigger: "refer", Actor: workflow.Actor{ID: "O", Role: workflow.FosterCareOrganizer}, On: on})
	assert.ErrorIs(t, err, workflow.ErrForbidden, "refer opens the case, but only a social worker may fire it")
}

// TestEngine_Fire_unknownCase: a case ID nothing was declared under is a
// *NotFoundError, in both languages, on Fire, Check, Case and History.
func TestEngine_Fire_unknownCase(t *testing.T) {
	ctx := context.Background()
	e, err := workflow.New()
	require.NoError(t, err)
	cmd := workflow.Command{Trigger: "refer", Actor: workflow.Actor{ID: "SW", Role: workflow.SocialWorker}, On: rules.MustParseDate("2025-01-02")}
	_, err = e.Fire(ctx, "nope", cmd)
	var nf *workflow.NotFoundError
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, "nope", nf.Case)
	assert.ErrorIs(t, err, workflow.ErrNotFound)
	assert.Contains(t, workflow.Localize(err, rules.Polish), "nie istnieje")
	_, err = e.Check(ctx, "nope", cmd)
	assert.ErrorIs(t, err, workflow.ErrNotFound)
	_, err = e.Case(ctx, "nope")
	assert.ErrorIs(t, err, workflow.ErrNotFound)
	_, err = e.History(ctx, "nope")
	assert.ErrorIs(t, err, workflow.ErrNotFound)
}
