package workflow_test

import (
	"context"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEngine_Family shows a family's work plan beside its children's
// placements and help plans, and a child's return in the family's view.
func TestEngine_Family(t *testing.T) {
	ctx := context.Background()
	dir := workflow.NewMemoryDirectory()
	for _, w := range []workflow.Worker{{ID: "SW", Role: workflow.SocialWorker}, {ID: "H", Role: workflow.OPSHead},
		{ID: "A", Role: workflow.FamilyAssistant}, {ID: "O", Role: workflow.FosterCareOrganizer}} {
		require.NoError(t, dir.AddWorker(w))
	}
	e, err := workflow.New(workflow.WithDirectory(dir))
	require.NoError(t, err)
	require.NoError(t, e.DeclareFamily(ctx, "F", workflow.FamilyInfo{}))
	require.NoError(t, e.DeclareChild(ctx, "C1", workflow.ChildInfo{Family: "F", Born: rules.MustParseDate("2015-01-01")}))
	require.NoError(t, e.DeclareChild(ctx, "C2", workflow.ChildInfo{Family: "F", Born: rules.MustParseDate("2018-01-01")}))
	require.NoError(t, e.DeclareFosterFamily(ctx, "R", workflow.FosterFamilyInfo{Form: workflow.FormKinship}))
	fire := func(id, trig string, by workflow.Actor, on string, args workflow.Args) {
		t.Helper()
		_, err := e.Fire(ctx, id, workflow.Command{Trigger: trig, Actor: by, On: rules.MustParseDate(on), Args: args})
		require.NoError(t, err)
	}
	sw, h := workflow.Actor{ID: "SW", Role: workflow.SocialWorker}, workflow.Actor{ID: "H", Role: workflow.OPSHead}
	a, o := workflow.Actor{ID: "A", Role: workflow.FamilyAssistant}, workflow.Actor{ID: "O", Role: workflow.FosterCareOrganizer}
	fire("F", "apply_za_zyciem", sw, "2025-01-06", workflow.Args{"kind": "child_impairment"})
	fire("F", "assign_assistant", h, "2025-01-07", workflow.Args{"assistant": "A"})
	fire("C1", "place", o, "2025-02-03", workflow.Args{"form": workflow.FormKinship, "carer": "R", "help_plan_ref": "PPD/1/25"})
	fire("F", "approve_plan", a, "2025-02-10", workflow.Args{"plan_ref": "PPR/9/25"})
	fire("C1", "propose_return", o, "2025-06-02", nil)
	fire("C1", "return_home", o, "2025-07-01", workflow.Args{"court_ref": "III Nsm 1/25"})

	v, err := e.Family(ctx, "F")
	require.NoError(t, err)
	assert.Equal(t, "PPR/9/25", v.Case.Family.WorkPlanRef)
	require.Len(t, v.Children, 2)
	assert.Equal(t, workflow.ChildView{ID: "C1", State: workflow.Returned, Form: workflow.FormKinship, Carer: "R",
		PlacedOn: rules.MustParseDate("2025-02-03"), HelpPlanRef: "PPD/1/25"}, v.Children[0], "the return shows in the family's view")
	assert.Equal(t, workflow.InFamily, v.Children[1].State)

	_, err = e.Family(ctx, "C1")
	assert.Error(t, err, "a child's case is not a family's")
	_, err = e.Family(ctx, "nobody")
	assert.ErrorIs(t, err, workflow.ErrNotFound)
}
