package workflow_test

import (
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDescribe reads triggers' records: roles, paths, arguments and duties.
func TestDescribe(t *testing.T) {
	assign, ok := workflow.Describe(rules.LifecycleFamily, workflow.TriggerAssignAssistant)
	require.True(t, ok)
	assert.Equal(t, []workflow.Role{workflow.OPSHead}, assign.Roles)
	assert.Equal(t, []workflow.PathInfo{{From: []workflow.State{workflow.AssistantRequested}, To: []workflow.State{workflow.AssistantPlanning}}}, assign.Paths)
	assert.Equal(t, []workflow.Duty{{Obligation: workflow.OblFamilyAssessment, Rule: "due.family_assessment"}}, assign.Opens)
	assert.Equal(t, []workflow.ArgInfo{{Name: "assistant", Required: true}}, assign.Args)

	interview, ok := workflow.Describe(rules.LifecycleFamily, "complete_interview")
	require.True(t, ok)
	assert.Equal(t, []string{workflow.OblInterview}, interview.Closes)

	consent, ok := workflow.Describe(rules.LifecycleFamily, "give_consent")
	require.True(t, ok)
	assert.True(t, consent.Paths[0].Stays)

	activate, ok := workflow.Describe(rules.LifecycleFosterFamily, "activate")
	require.True(t, ok)
	assert.True(t, activate.Internal)

	for _, tr := range rules.Triggers() {
		_, ok := workflow.Describe(tr.Lifecycle, tr.Name)
		assert.True(t, ok, "every trigger rules know is described: %s", tr)
	}
	_, ok = workflow.Describe(rules.LifecycleFamily, "place")
	assert.False(t, ok)
	_, ok = workflow.Describe("nowhere", "refer")
	assert.False(t, ok)
}
