package workflow_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// TestEngine_Fire_outcomeIsTheCallersOwn: with the default memory store,
// changing an outcome's case or linked case (state, facts, obligations),
// its event's arguments, or a case read through Engine.Case or Store.Get
// changes nothing stored and writes no event.
func TestEngine_Fire_outcomeIsTheCallersOwn(t *testing.T) {
	ctx := context.Background()
	e := benchEngine(t) // the default store
	require.NoError(t, e.DeclareFamily(ctx, "F1", workflow.FamilyInfo{Difficulty: 1}))
	require.NoError(t, e.DeclareFosterFamily(ctx, "R1", workflow.FosterFamilyInfo{Form: workflow.FormProfessional}))
	require.NoError(t, e.DeclareChild(ctx, "C1", workflow.ChildInfo{Family: "F1", Born: rules.MustParseDate("2015-06-01")}))
	benchFireAll(t, e, "F1", []benchStep{
		{"refer", benchSW, "2024-03-01", nil},
		{"complete_interview", benchSW, "2024-03-08", nil},
		{"request_assistant", benchSW, "2024-03-11", nil},
		{"give_consent", benchSW, "2024-03-12", nil},
	})
	assigned, err := e.Fire(ctx, "F1", workflow.Command{Trigger: "assign_assistant", Actor: benchH,
		On: rules.MustParseDate("2024-03-14"), Args: workflow.Args{"assistant": "A1"}})
	require.NoError(t, err)
	placed, err := e.Fire(ctx, "C1", workflow.Command{Trigger: "place", Actor: benchO, On: rules.MustParseDate("2024-03-15"),
		Args: workflow.Args{"form": workflow.FormProfessional, "carer": "R1", "court_ref": "III Nsm 1/24"}})
	require.NoError(t, err)
	require.Len(t, placed.Linked, 2, "the foster family activated, the family recording its placed child")

	ids := []string{"F1", "C1", "R1"}
	stored := func() string { // every case with its history and the index keys it is filed under
		t.Helper()
		state := map[string]any{}
		for _, id := range ids {
			c, err := e.Case(ctx, id)
			require.NoError(t, err)
			evs, err := e.History(ctx, id)
			require.NoError(t, err)
			state[id] = []any{c, evs}
		}
		for _, key := range []string{workflow.AssistantKey("A1"), workflow.AssistantKey("A2"), workflow.CarerKey("R1")} {
			cs, v, err := e.Store().Index(ctx, key)
			require.NoError(t, err)
			state[key] = []any{cs, v}
		}
		b, err := json.Marshal(state)
		require.NoError(t, err)
		return string(b)
	}
	before := stored()

	scribble := func(c *workflow.Case) {
		c.State, c.Version = workflow.Closed, 99
		if c.Family != nil {
			c.Family.Assistant = "A2"
			c.Family.FormerAssistants = append(c.Family.FormerAssistants, "A9")
		}
		if c.FosterFamily != nil {
			c.FosterFamily.Coordinator = "K9"
		}
		if len(c.Obligations) > 0 {
			c.Obligations[0].Due = rules.MustParseDate("2099-01-01")
		}
		c.Obligations = append(c.Obligations, workflow.Obligation{ID: "scribbled", Due: rules.MustParseDate("2099-01-01")})
	}
	scribble(assigned.Case)
	assigned.Event.Args["assistant"] = "A2"
	assigned.Event.Decision.Allowed = false
	scribble(placed.Case)
	scribble(placed.Linked[0])
	for _, id := range ids {
		c, err := e.Case(ctx, id)
		require.NoError(t, err)
		scribble(c)
		c, err = e.Store().Get(ctx, id)
		require.NoError(t, err)
		scribble(c)
	}
	assert.Equal(t, before, stored(), "changing what the engine returned changed the store")

	f1, err := e.Case(ctx, "F1")
	require.NoError(t, err)
	assert.Equal(t, workflow.AssistantPlanning, f1.State)
	assert.Equal(t, "A1", f1.Family.Assistant)
	replayed, err := e.Replay(ctx, "F1")
	require.NoError(t, err)
	assert.Equal(t, f1, replayed, "history and snapshot agree")
}
