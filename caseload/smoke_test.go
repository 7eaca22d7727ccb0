package caseload_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/require"
)

func TestSmoke(t *testing.T) {
	ctx := context.Background()
	reg := caseload.NewRegistry()
	require.NoError(t, reg.Add(workflow.Worker{ID: "SW1", Role: workflow.SocialWorker, Employer: "G1", Person: "p1"}))
	err := reg.Add(workflow.Worker{ID: "A9", Role: workflow.FamilyAssistant, Employer: "G1", Person: "p1"})
	t.Log(err)
	require.NoError(t, reg.Add(workflow.Worker{ID: "H1", Role: workflow.OPSHead, Employer: "G1"}))
	require.NoError(t, reg.Add(workflow.Worker{ID: "A1", Role: workflow.FamilyAssistant, Employer: "G1", Area: "north"}))
	require.NoError(t, reg.Add(workflow.Worker{ID: "A2", Role: workflow.FamilyAssistant, Employer: "G1", Area: "south"}))
	e, err := workflow.New(workflow.WithDirectory(reg))
	require.NoError(t, err)
	cl := caseload.New(e, reg)
	d := rules.MustParseDate
	sw := workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
	h := workflow.Actor{ID: "H1", Role: workflow.OPSHead}
	for i := 0; i < 5; i++ {
		id := fmt.Sprintf("F%02d", i)
		require.NoError(t, e.DeclareFamily(ctx, id, workflow.FamilyInfo{Difficulty: float64(i + 1), Area: "north"}))
		for _, trig := range []string{"refer", "complete_interview", "request_assistant", "give_consent"} {
			_, err := e.Fire(ctx, id, workflow.Command{Trigger: trig, Actor: sw, On: d("2016-03-01")})
			require.NoError(t, err)
		}
		recs, err := cl.Recommend(ctx, id, d("2016-03-02"), h, caseload.Candidates{})
		require.NoError(t, err)
		_, err = e.Fire(ctx, id, workflow.Command{Trigger: "assign_assistant", Actor: h, On: d("2016-03-02"), Args: workflow.Args{"assistant": recs[0].Worker}})
		require.NoError(t, err)
		t.Log(id, recs[0].Worker, recs[0].Reasons)
	}
	plan, err := cl.PlanReassignment(ctx, "A1", d("2016-04-01"), h, caseload.Candidates{})
	require.NoError(t, err)
	t.Logf("%+v", plan.Moves)
	cal, err := cl.Calendar(ctx, caseload.CalendarQuery{On: d("2016-08-20"), LeadDays: 30})
	require.NoError(t, err)
	t.Log("\n" + caseload.FormatCalendar(cal, rules.Polish))
	rep, err := cl.Staffing(ctx, caseload.StaffingInput{Unit: "G1", Inhabitants: 9000, SocialWorkFamilies: 120}, d("2016-08-20"))
	require.NoError(t, err)
	t.Logf("%+v", rep)
}
