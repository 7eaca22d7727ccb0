package downstreamtest_test

import (
	"context"
	"testing"

	"github.com/asysta/asysta/examples/downstreamtest"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScenarios runs every scenario file in testdata/ as a subtest; a
// failed expectation is reported at its file:line.
func TestScenarios(t *testing.T) { scenario.Test(t, "testdata") }

// TestStory is the same kind of story written in Go; a failure is
// reported at the Go line of the step.
func TestStory(t *testing.T) {
	st := scenario.NewStory("a placement needs room in the foster family").
		Worker("O1", workflow.FosterCareOrganizer).
		Family("F01", 1).Child("C1", "F01", "2019-02-11").Child("C2", "F01", "2020-06-30").
		Child("C3", "F01", "2021-01-05").Child("C4", "F01", "2023-09-09").
		FosterFamily("R1", "non_professional_foster_family")
	for _, c := range []string{"C1", "C2", "C3"} {
		st.At("2025-05-05").Do(c, "place").By("O1").With("form", "non_professional_foster_family").With("carer", "R1")
	}
	st.At("2025-05-06").Do("C4", "place").By("O1").With("form", "non_professional_foster_family").With("carer", "R1").
		Denied("foster_family.max_children")
	st.At("2025-05-06").Do("C4", "place").By("O1").With("form", "non_professional_foster_family").With("carer", "R1").
		With("siblings", true)
	st.At("2025-05-07").State("R1", "active").State("C4", "placed.non_professional_foster_family").
		Due("C4", "child_review", "2025-08-06").Due("R1", "foster_family_assessment", "2026-05-05")
	st.Test(t)
}

// TestReminders checks the OPS system's own code against the engine: the
// reminders follow the due dates the engine computed.
func TestReminders(t *testing.T) {
	ctx := context.Background()
	dir := workflow.NewMemoryDirectory()
	for _, w := range []workflow.Worker{{ID: "SW1", Role: workflow.SocialWorker}, {ID: "H1", Role: workflow.OPSHead},
		{ID: "A1", Role: workflow.FamilyAssistant}} {
		require.NoError(t, dir.AddWorker(w))
	}
	e, err := workflow.New(workflow.WithDirectory(dir))
	require.NoError(t, err)
	require.NoError(t, e.DeclareFamily(ctx, "F01", workflow.FamilyInfo{}))
	on := rules.MustParseDate("2025-01-31")
	_, err = e.Fire(ctx, "F01", workflow.Command{Trigger: "apply_za_zyciem", Actor: workflow.Actor{ID: "SW1", Role: workflow.SocialWorker},
		On: on, Args: workflow.Args{"kind": "child_impairment"}})
	require.NoError(t, err)
	out, err := e.Fire(ctx, "F01", workflow.Command{Trigger: "assign_assistant", Actor: workflow.Actor{ID: "H1", Role: workflow.OPSHead},
		On: on, Args: workflow.Args{"assistant": "A1"}})
	require.NoError(t, err)

	got := downstreamtest.Reminders(out.Case, rules.MustParseDate("2025-08-01"), rules.Polish)
	require.Len(t, got, 1)
	assert.Equal(t, downstreamtest.Reminder{Worker: "A1", Text: "! F01 okresowa ocena sytuacji rodziny: 2025-07-31 (-1)"}, got[0],
		"31 January + 6 months is 31 July: overdue on 1 August")
}
