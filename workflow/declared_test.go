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
// (contract.md section 2), even a role that could never fire it.
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
