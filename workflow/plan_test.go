package workflow_test

import (
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// actions builds the actions argument: id, due pairs with effect E-<id>.
func actions(pairs ...string) []any {
	var out []any
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, map[string]any{"id": pairs[i], "due": pairs[i+1], "effect": "E-" + pairs[i]})
	}
	return out
}

// planWorld brings family F to assistant_work.planning (assistant A1,
// assigned on 2024-01-06).
func planWorld(t *testing.T, st storeKind, opts ...workflow.Option) *world {
	w := newWorld(t, st, opts...)
	w.familyIn("F", "planning/consent")
	return w
}

func TestPlan_actionsAreObligations(t *testing.T) { forEachStore(t, testPlan_actionsAreObligations) }

func testPlan_actionsAreObligations(t *testing.T, st storeKind) {
	type act struct {
		trigger string
		args    workflow.Args
		kind    errKind
	}
	rows := []struct {
		name  string
		steps []act
		open  map[string]string // ref → due
	}{
		{"each action an obligation", []act{
			{"approve_plan", workflow.Args{"consulted": "SW1", "actions": actions("D1", "2024-04-30", "D2", "2024-05-31")}, allowed},
		}, map[string]string{"D1": "2024-04-30", "D2": "2024-05-31"}},
		{"completed action closes", []act{
			{"approve_plan", workflow.Args{"actions": actions("D1", "2024-04-30", "D2", "2024-05-31")}, allowed},
			{"complete_action", workflow.Args{"action": "D1"}, allowed},
		}, map[string]string{"D2": "2024-05-31"}},
		{"revision drops, adds and moves actions", []act{
			{"approve_plan", workflow.Args{"actions": actions("D1", "2024-04-30", "D2", "2024-05-31")}, allowed},
			{"revise_plan", workflow.Args{"drop": []any{"D1"}, "actions": actions("D2", "2024-06-28", "D3", "2024-07-31")}, allowed},
		}, map[string]string{"D2": "2024-06-28", "D3": "2024-07-31"}},
		{"a closed action is not reopened", []act{
			{"approve_plan", workflow.Args{"actions": actions("D1", "2024-04-30")}, allowed},
			{"complete_action", workflow.Args{"action": "D1"}, allowed},
			{"complete_action", workflow.Args{"action": "D1"}, badArg},
			{"revise_plan", workflow.Args{"actions": actions("D1", "2024-08-30")}, badArg},
			{"revise_plan", workflow.Args{"drop": []any{"D1"}}, badArg},
		}, map[string]string{}},
		{"an unknown action", []act{
			{"approve_plan", nil, allowed},
			{"complete_action", workflow.Args{"action": "D9"}, badArg},
		}, map[string]string{}},
		{"an action due before the plan", []act{
			{"approve_plan", workflow.Args{"actions": actions("D1", "2023-12-31")}, badArg},
		}, map[string]string{}},
		{"malformed actions", []act{
			{"approve_plan", workflow.Args{"actions": []any{map[string]any{"id": "D1", "due": "2024-04-31", "effect": "E"}}}, badArg},
			{"approve_plan", workflow.Args{"actions": []any{map[string]any{"id": "D1", "due": "2024-04-30"}}}, badArg},
			{"approve_plan", workflow.Args{"actions": []any{map[string]any{"id": "D1", "due": "2024-04-30", "effect": "E", "note": "x"}}}, badArg},
			{"approve_plan", workflow.Args{"actions": actions("D1", "2024-04-30", "D1", "2024-05-30")}, badArg},
			{"approve_plan", workflow.Args{"actions": "D1"}, badArg},
			{"approve_plan", workflow.Args{"consulted": "A2"}, badArg},
		}, map[string]string{}},
		{"revision only while implementing", []act{
			{"revise_plan", nil, invalid},
		}, map[string]string{}},
		{"the end of the work closes the actions", []act{
			{"approve_plan", workflow.Args{"actions": actions("D1", "2024-04-30")}, allowed},
			{"end_work", workflow.Args{"reason": "goals_achieved"}, allowed},
		}, map[string]string{}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := planWorld(t, st)
			for _, s := range r.steps {
				_, err := w.fire("F", s.trigger, asst, "2024-03-01", s.args)
				assertKind(t, s.kind, err)
				if err != nil {
					checkMessages(t, err)
				}
			}
			c := w.caseOf("F")
			got := map[string]string{}
			for _, o := range c.Obligations {
				if o.ID == workflow.OblPlanAction {
					got[o.Ref] = o.Due.String()
					assert.Equal(t, "plan", o.Rule)
				}
			}
			assert.Equal(t, r.open, got)
			replayed, err := w.e.Replay(w.ctx, "F")
			require.NoError(t, err)
			assert.Equal(t, c.Obligations, replayed.Obligations, "replay")
		})
	}
}

func TestPlan_forbiddenToOthers(t *testing.T) { forEachStore(t, testPlan_forbiddenToOthers) }

func testPlan_forbiddenToOthers(t *testing.T, st storeKind) {
	w := planWorld(t, st)
	w.must("F", "approve_plan", asst, "2024-03-01", workflow.Args{"actions": actions("D1", "2024-04-30")})
	for _, r := range []struct {
		trigger string
		who     workflow.Actor
	}{
		{"revise_plan", asst2}, {"revise_plan", sw}, {"complete_action", asst2}, {"complete_action", head},
	} {
		err := w.refuse("F", r.trigger, r.who, "2024-03-02", workflow.Args{"action": "D1"})
		assertKind(t, forbidden, err)
	}
}

func TestPlan_warnings(t *testing.T) { forEachStore(t, testPlan_warnings) }

func testPlan_warnings(t *testing.T, st storeKind) {
	warned := func(out *workflow.Outcome, rule string) bool {
		for _, r := range out.Decision.Warnings() {
			if r.Rule == rule {
				return true
			}
		}
		return false
	}
	rows := []struct {
		name                  string
		consulted, revise     bool
		wantConsult, wantPlan bool
	}{
		{"consulted, revised before the second assessment", true, true, false, false},
		{"no social worker recorded", false, true, true, false},
		{"no revision since the first assessment", true, false, false, true},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := planWorld(t, st)
			args := workflow.Args{}
			if r.consulted {
				args["consulted"] = "SW1"
			}
			out := w.must("F", "approve_plan", asst, "2024-02-01", args)
			assert.Equal(t, r.wantConsult, warned(out, "family_plan.social_worker_consulted"))
			out = w.must("F", "assess", asst, "2024-07-01", workflow.Args{"result": "positive"})
			assert.False(t, warned(out, "family_plan.revised_since_assessment"), "the approval counts for the first assessment")
			if r.revise {
				w.must("F", "revise_plan", asst, "2024-12-20", nil)
			}
			out = w.must("F", "assess", asst, "2025-01-02", workflow.Args{"result": "positive"})
			assert.Equal(t, r.wantPlan, warned(out, "family_plan.revised_since_assessment"))
		})
	}
}

func TestPlan_coordination(t *testing.T) { forEachStore(t, testPlan_coordination) }

func testPlan_coordination(t *testing.T, st storeKind) {
	cfg, err := rules.ParseConfig("gmina.yaml", []byte("name: Gmina\nparameters:\n  family.plan_coordination_deadline: 10\n"))
	require.NoError(t, err)
	rs, err := rules.New(cfg)
	require.NoError(t, err)
	rows := []struct {
		name       string
		deadline   bool
		placeFirst bool   // the child is placed before the plan is approved
		coordinate bool   // the plan records the child's help plan
		due        string // plan_coordination; "" = not open
	}{
		{"no deadline by default", false, false, false, ""},
		{"placed during implementation: due from the placement", true, false, false, "2024-03-15"},
		{"placed before the plan: due from the approval", true, true, false, "2024-03-15"},
		{"coordinated: closed", true, false, true, ""},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			var opts []workflow.Option
			if r.deadline {
				opts = append(opts, workflow.WithRules(rs))
			}
			w := planWorld(t, st, opts...)
			w.declareChild("C", "F", "2015-05-05")
			place := func() {
				out := w.must("C", "place", org, "2024-03-01", workflow.Args{"form": workflow.FormProfessional, "carer": rProf, "help_plan_ref": "PPD/1"})
				ids := []string{}
				for _, l := range out.Linked {
					ids = append(ids, l.ID)
				}
				assert.Contains(t, ids, "F", "the family records its placed child")
			}
			if r.placeFirst {
				place()
				w.must("F", "approve_plan", asst, "2024-03-01", nil)
			} else {
				w.must("F", "approve_plan", asst, "2024-03-01", nil)
				place()
			}
			assert.Equal(t, []string{"C"}, w.caseOf("F").Family.PlacedChildren)
			if r.coordinate {
				w.must("F", "revise_plan", asst, "2024-03-05", workflow.Args{"coordinated_with": []any{"C"}})
			}
			if r.due == "" {
				w.notDue("F", workflow.OblPlanCoordination)
			} else {
				assert.Equal(t, d(r.due), w.due("F", workflow.OblPlanCoordination))
			}
			for _, id := range []string{"F", "C"} {
				replayed, err := w.e.Replay(w.ctx, id)
				require.NoError(t, err)
				assert.Equal(t, w.caseOf(id).Obligations, replayed.Obligations, "replay of %s", id)
			}
		})
	}
}

func TestPlan_coordinatedWithChecksTheChild(t *testing.T) {
	forEachStore(t, testPlan_coordinatedWithChecksTheChild)
}

func testPlan_coordinatedWithChecksTheChild(t *testing.T, st storeKind) {
	w := planWorld(t, st)
	w.declareChild("C", "F", "2015-05-05")
	w.declareFamily("G")
	w.declareChild("X", "G", "2015-05-05")
	w.must("F", "approve_plan", asst, "2024-03-01", nil)
	for _, id := range []string{"C", "X", "NOPE"} { // no help plan yet; another family's; unknown
		err := w.refuse("F", "revise_plan", asst, "2024-03-02", workflow.Args{"coordinated_with": []any{id}})
		assertKind(t, badArg, err)
	}
	w.must("C", "place", org, "2024-03-03", workflow.Args{"form": workflow.FormProfessional, "carer": rProf, "help_plan_ref": "PPD/1"})
	w.must("F", "revise_plan", asst, "2024-03-04", workflow.Args{"coordinated_with": []any{"C"}})
	assert.Equal(t, []string{"C"}, w.caseOf("F").Family.Plan.CoordinatedWith)
}
