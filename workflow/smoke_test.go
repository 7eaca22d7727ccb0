package workflow_test

import (
	"context"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/require"
)

func TestSmoke(t *testing.T) {
	ctx := context.Background()
	dir := workflow.NewMemoryDirectory()
	for _, w := range []workflow.Worker{{ID: "SW1", Role: workflow.SocialWorker}, {ID: "H1", Role: workflow.OPSHead},
		{ID: "A1", Role: workflow.FamilyAssistant}, {ID: "O1", Role: workflow.FosterCareOrganizer}} {
		require.NoError(t, dir.AddWorker(w))
	}
	e, err := workflow.New(workflow.WithDirectory(dir))
	require.NoError(t, err)
	require.NoError(t, e.DeclareFamily(ctx, "F01", workflow.FamilyInfo{}))
	require.NoError(t, e.DeclareChild(ctx, "C1", workflow.ChildInfo{Family: "F01", Born: rules.MustParseDate("2022-05-10")}))
	require.NoError(t, e.DeclareFosterFamily(ctx, "R1", workflow.FosterFamilyInfo{Form: "professional_foster_family"}))
	d := rules.MustParseDate
	fire := func(id, trig string, who workflow.Actor, on string, args workflow.Args) (*workflow.Outcome, error) {
		return e.Fire(ctx, id, workflow.Command{Trigger: trig, Actor: who, On: d(on), Args: args})
	}
	sw := workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}
	h := workflow.Actor{ID: "H1", Role: workflow.OPSHead}
	a := workflow.Actor{ID: "A1", Role: workflow.FamilyAssistant}
	o := workflow.Actor{ID: "O1", Role: workflow.FosterCareOrganizer}
	out, err := fire("F01", "refer", sw, "2016-03-01", nil)
	require.NoError(t, err)
	t.Log(out.Case.State, out.Case.Obligations)
	_, err = fire("F01", "assign_assistant", h, "2016-03-20", workflow.Args{"assistant": "A1"})
	t.Log(err)
	_, err = fire("F01", "complete_interview", sw, "2016-03-10", nil)
	require.NoError(t, err)
	_, err = fire("F01", "request_assistant", sw, "2016-03-11", nil)
	require.NoError(t, err)
	_, err = fire("F01", "assign_assistant", h, "2016-03-20", workflow.Args{"assistant": "A1"})
	t.Log(err)
	_, err = fire("F01", "court_obligation", h, "2016-03-21", workflow.Args{"court_ref": "III Nsm 1/16", "report_every_months": 3})
	require.NoError(t, err)
	out, err = fire("F01", "assign_assistant", h, "2016-03-22", workflow.Args{"assistant": "A1"})
	require.NoError(t, err)
	t.Log(out.Case.State, out.Case.Obligations)
	out, err = fire("C1", "place", o, "2016-04-01", workflow.Args{"form": "professional_foster_family", "carer": "R1", "court_ref": "x"})
	require.NoError(t, err)
	t.Log(out.Case.State, out.Case.Obligations, out.Linked[0].State, out.Linked[0].Obligations, out.Decision.Warnings())
	_, err = fire("F01", "assess", workflow.Actor{ID: "SW1", Role: workflow.SocialWorker}, "2016-05-01", nil)
	t.Log(err)
	_, err = fire("F01", "assess", a, "2016-05-01", nil)
	t.Log(err)
	out, err = fire("F01", "withdraw_consent", a, "2016-05-01", nil)
	require.NoError(t, err)
	t.Log(out.Case.State, out.Case.Family.NonCooperation)
	for _, id := range []string{"F01", "C1", "R1"} {
		c, _ := e.Case(ctx, id)
		r, err := e.Replay(ctx, id)
		require.NoError(t, err)
		require.Equal(t, c, r)
	}
}
