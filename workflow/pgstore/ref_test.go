package pgstore_test

import (
	"context"
	"testing"

	"github.com/asysta/asysta/internal/pgstoretest"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
)

// TestObligationRefs: a case holds several plan_action obligations, one
// per open action of the work plan, told apart by their ref; the
// obligations table keeps each, DueBefore lists each, and closing one
// removes its row only.
func TestObligationRefs(t *testing.T) {
	s, _ := pgstoretest.New(t)
	ctx := context.Background()
	e := engine(t, s)
	requested(t, e, "F1")
	fire(t, e, "F1", "assign_assistant", actH, "2016-02-10", workflow.Args{"assistant": "A1"})
	fire(t, e, "F1", "approve_plan", assistant("A1"), "2016-03-01", workflow.Args{"actions": []any{
		map[string]any{"id": "D1", "due": "2016-04-29", "effect": "E1"},
		map[string]any{"id": "D2", "due": "2016-05-31", "effect": "E2"},
	}})
	refs := func() []string {
		var out []string
		due, err := s.Due(ctx, workflow.DueQuery{Until: rules.MustParseDate("2099-01-01"), On: rules.MustParseDate("2016-03-01")})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range due {
			if d.ID == workflow.OblPlanAction {
				out = append(out, d.Ref+" "+d.Due.String())
			}
		}
		return out
	}
	if got := refs(); len(got) != 2 || got[0] != "D1 2016-04-29" || got[1] != "D2 2016-05-31" {
		t.Errorf("plan actions listed = %v, want D1 and D2 by due date", got)
	}
	fire(t, e, "F1", "complete_action", assistant("A1"), "2016-04-01", workflow.Args{"action": "D1"})
	if got := refs(); len(got) != 1 || got[0] != "D2 2016-05-31" {
		t.Errorf("plan actions listed after D1 was done = %v, want D2", got)
	}
	c, err := e.Case(ctx, "F1")
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := c.ObligationRef(workflow.OblPlanAction, "D2"); !ok || o.Due != rules.MustParseDate("2016-05-31") {
		t.Errorf("stored case: plan_action D2 = %+v, %v", o, ok)
	}
}
