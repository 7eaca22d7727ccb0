package caseload_test

import (
	"context"
	"testing"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCaseload_Load_socialWorker: the families in a social worker's social
// work are the cases they opened, until closed; assistant work does not
// take a family out of social work, closing does.
func TestCaseload_Load_socialWorker(t *testing.T) {
	ctx := context.Background()
	reg := caseload.NewRegistry()
	for _, w := range []workflow.Worker{{ID: "SW1", Role: workflow.SocialWorker, Employer: "OPS"},
		{ID: "SW2", Role: workflow.SocialWorker, Employer: "OPS", FTE: 0.5}, {ID: "H", Role: workflow.OPSHead, Employer: "OPS"},
		{ID: "A", Role: workflow.FamilyAssistant, Employer: "OPS"}} {
		require.NoError(t, reg.Add(w))
	}
	e, err := workflow.New(workflow.WithDirectory(reg))
	require.NoError(t, err)
	cl := caseload.New(e, reg)
	on := rules.MustParseDate("2025-03-03")
	fire := func(id, trig string, by workflow.Actor, args workflow.Args) {
		t.Helper()
		_, err := e.Fire(ctx, id, workflow.Command{Trigger: trig, Actor: by, On: on, Args: args})
		require.NoError(t, err)
	}
	sw1, sw2 := workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}, workflow.Actor{ID: "SW2", Role: workflow.SocialWorker}
	for _, id := range []string{"F1", "F2", "F3", "F4"} {
		require.NoError(t, e.DeclareFamily(ctx, id, workflow.FamilyInfo{}))
	}
	fire("F1", "refer", sw1, nil)
	fire("F2", "refer", sw1, nil)
	fire("F3", "apply_za_zyciem", sw2, workflow.Args{"kind": "pregnancy"})
	fire("F3", "assign_assistant", workflow.Actor{ID: "H", Role: workflow.OPSHead}, workflow.Args{"assistant": "A"})
	fire("F2", "complete_interview", sw1, nil)
	fire("F2", "request_assistant", sw1, nil)
	fire("F2", "refuse_consent", sw1, nil)
	fire("F2", "reopen", sw1, nil)

	load := func(id string) caseload.Load {
		l, err := cl.Load(ctx, id, on)
		require.NoError(t, err)
		return l
	}
	assert.Equal(t, 2, load("SW1").Count(), "F1 referred, F2 reopened: both in social work")
	assert.Equal(t, 1, load("SW2").Count(), "F3 in assistant work is still in social work")
	assert.Equal(t, 0, load("SW2").Cap, "no cap per social worker")
	assert.False(t, load("SW1").Over())

	fire("F3", "withdraw_consent", sw2, nil) // voluntary work ends: closed
	assert.Equal(t, 0, load("SW2").Count(), "a closed case leaves social work")

	rep, err := cl.Staffing(ctx, caseload.StaffingInput{Unit: "OPS", Inhabitants: 4000}, on)
	require.NoError(t, err)
	assert.Equal(t, 2, rep.SocialWorkers.CasesInSocialWork)
	assert.Len(t, rep.SocialWorkerLoads, 2)
	assert.Equal(t, 2, rep.SocialWorkers.ByInhabitants)
	assert.Zero(t, rep.SocialWorkers.ByFamilies, "the norm counts the families given, never asysta's cases")
	assert.Equal(t, 3, rep.SocialWorkers.Required, "never fewer than the minimum of 3")
}
