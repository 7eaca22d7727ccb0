package workflow_test

import (
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTriggerConstants checks that the trigger constants are the
// lifecycles' triggers, each constant naming a trigger of the lifecycle
// it is listed under.
func TestTriggerConstants(t *testing.T) {
	for l, names := range map[rules.Lifecycle][]string{
		rules.LifecycleFamily: {workflow.TriggerRefer, workflow.TriggerApplyZaZyciem, workflow.TriggerCompleteInterview,
			workflow.TriggerRequestAssistant, workflow.TriggerGiveConsent, workflow.TriggerRefuseConsent,
			workflow.TriggerCourtObligation, workflow.TriggerReportToCourt, workflow.TriggerCourtOpinion, workflow.TriggerSubmitOpinion, workflow.TriggerAssignAssistant,
			workflow.TriggerReassignAssistant, workflow.TriggerApprovePlan, workflow.TriggerRevisePlan, workflow.TriggerCompleteAction, workflow.TriggerAssess,
			workflow.TriggerWithdrawConsent, workflow.TriggerEndWork, workflow.TriggerEndMonitoring, workflow.TriggerReopen},
		rules.LifecycleChild: {workflow.TriggerPlace, workflow.TriggerMove, workflow.TriggerReview, workflow.TriggerReportToCourt,
			workflow.TriggerExtendStay, workflow.TriggerProposeReturn, workflow.TriggerReturnHome, workflow.TriggerReturnRefused,
			workflow.TriggerSettleLegalStatus, workflow.TriggerFileLegalStatusMotion, workflow.TriggerNotifyCourt, workflow.TriggerReferForAdoption, workflow.TriggerAdopt, workflow.TriggerLeaveCare},
		rules.LifecycleFosterFamily: {workflow.TriggerQualify, workflow.TriggerAssignCoordinator, workflow.TriggerAssess,
			workflow.TriggerFileEndMotion, workflow.TriggerSuspend, workflow.TriggerResume, workflow.TriggerDissolve},
	} {
		assert.ElementsMatch(t, workflow.Triggers(l), names, "lifecycle %s", l)
	}
}

// TestUnknownTriggerSuggests checks that a mistyped trigger is invalid and
// names the nearest triggers of the case's lifecycle.
func TestUnknownTriggerSuggests(t *testing.T) { forEachStore(t, testUnknownTriggerSuggests) }

func testUnknownTriggerSuggests(t *testing.T, st storeKind) {
	w := newWorld(t, st)
	w.declareFamily("F1")
	_, err := w.fire("F1", "refer", sw, "2024-03-01", nil)
	require.NoError(t, err)
	_, err = w.e.Fire(w.ctx, "F1", workflow.Command{Trigger: "complete_interveiw", Actor: sw, On: d("2024-03-02")})
	var te *workflow.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, []string{workflow.TriggerCompleteInterview}, te.Suggest)
	assert.Contains(t, err.Error(), "did you mean: complete_interview?")
	assert.Contains(t, workflow.Localize(err, rules.Polish), "czy chodziło o: complete_interview?")
	_, err = w.e.Fire(w.ctx, "F1", workflow.Command{Trigger: workflow.TriggerActivate, Actor: sw, On: d("2024-03-02")})
	require.ErrorAs(t, err, &te)
	assert.Empty(t, te.Suggest, "the engine's own trigger is not offered")
}
