package caseload_test

import (
	"fmt"
	"testing"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leavingFixture: A0 leaves with 10 families of difficulty 1.0, 1.5, …,
// 5.5; A1, A2 and A3 hold 13, 14 and 12 families (cap 15): room for 6.
func leavingFixture(t *testing.T, rs *rules.RuleSet, extra ...workflow.Worker) (*fixture, []string) {
	on := d("2016-03-01")
	workers := append([]workflow.Worker{assistant("A0"), assistant("A1"), assistant("A2"), assistant("A3")}, extra...)
	f := newFixture(t, rs, workers...)
	var leaving []string
	for i := range 10 {
		id := fmt.Sprintf("L%02d", i)
		f.requested(id, on, workflow.FamilyInfo{Difficulty: 1 + 0.5*float64(i)})
		f.assign(id, "A0", on)
		leaving = append(leaving, id)
	}
	f.families("F", "A1", 13, on)
	f.families("G", "A2", 14, on)
	f.families("H", "A3", 12, on)
	return f, leaving
}

// snapshot is what a plan must not change: every case's version and the
// loads.
func (f *fixture) snapshot(on rules.Date, workers ...string) map[string]any {
	f.t.Helper()
	out := map[string]any{}
	sc := f.e.Store().(workflow.Scanner)
	require.NoError(f.t, sc.Scan(f.ctx, func(c *workflow.Case) error {
		out[c.ID] = c
		return nil
	}))
	for _, w := range workers {
		out["load:"+w] = f.load(w, on)
	}
	return out
}

func TestPlanReassignment(t *testing.T) {
	f, leaving := leavingFixture(t, nil)
	on := d("2016-09-01")
	before := f.snapshot(on, "A0", "A1", "A2", "A3")

	plan, err := f.cl.PlanReassignment(f.ctx, "A0", on, head, caseload.Candidates{})
	require.NoError(t, err)
	assert.Equal(t, "A0", plan.Worker)
	assert.Equal(t, on, plan.On)

	// Hardest first: the six hardest families are placed, in order.
	var moved, unplaced []string
	for _, m := range plan.Moves {
		moved = append(moved, m.Family)
		assert.True(t, m.Decision.Allowed)
		assert.NotEmpty(t, m.Reasons)
	}
	for _, m := range plan.Unplaced {
		unplaced = append(unplaced, m.Family)
	}
	assert.Equal(t, []string{leaving[9], leaving[8], leaving[7], leaving[6], leaving[5], leaving[4]}, moved)
	assert.Equal(t, []string{leaving[3], leaving[2], leaving[1], leaving[0]}, unplaced)

	// No colleague goes over the cap: simulate the totals.
	total := map[string]int{"A1": 13, "A2": 14, "A3": 12}
	var order []string
	for _, m := range plan.Moves {
		total[m.To]++
		order = append(order, m.To)
		assert.LessOrEqual(t, total[m.To], 15, "after moving %s to %s", m.Family, m.To)
	}
	assert.Equal(t, map[string]int{"A1": 15, "A2": 15, "A3": 15}, total)
	// Each move goes to the least loaded colleague, ties broken by ID.
	assert.Equal(t, []string{"A3", "A1", "A3", "A1", "A2", "A3"}, order)

	// Unplaced families say why, in both languages.
	for _, m := range plan.Unplaced {
		assert.Empty(t, m.To)
		assert.False(t, m.Decision.Allowed)
		assert.Equal(t, []string{"assistant.max_families"}, ruleIDs(m.Decision))
		require.NotEmpty(t, m.Reasons)
		assert.Equal(t, rules.Text{PL: "żaden asystent nie może przyjąć rodziny", EN: "no assistant can take the family"}, m.Reasons[0])
		assert.Contains(t, m.Reasons[1].EN, "assistant.max_families: A family assistant may work with at most 15 families")
		assert.Contains(t, m.Reasons[1].PL, "assistant.max_families: Asystent rodziny może pracować jednocześnie z najwyżej 15 rodzinami")
	}

	// Nothing in the store changed.
	assert.Equal(t, before, f.snapshot(on, "A0", "A1", "A2", "A3"))

	// The plan can be carried out as proposed.
	for _, m := range plan.Moves {
		f.fire(m.Family, "reassign_assistant", head, on, workflow.Args{"assistant": m.To})
	}
	for _, w := range []string{"A1", "A2", "A3"} {
		l := f.load(w, on)
		assert.Equal(t, 15, l.Families)
		assert.False(t, l.Over())
	}
	assert.Equal(t, 4, f.load("A0", on).Families)
}

// The plan counts the difficulty it moves, so a weighted local rule on
// reassign_assistant holds for the plan as a whole.
func TestPlanReassignmentWeighted(t *testing.T) {
	rs := ruleSet(t, `name: Gmina Ważona
rules:
  - id: local.weighted_caseload
    on: [assign_assistant, reassign_assistant]
    from: 2016-06-01
    expr: worker.weight + family.difficulty <= 16 * worker.fte
    message: {pl: "Łączna trudność spraw przekracza 16.", en: "The weighted caseload would exceed 16."}
`)
	f, _ := leavingFixture(t, rs, assistant("A4"))
	on := d("2016-09-01")
	plan, err := f.cl.PlanReassignment(f.ctx, "A0", on, head, caseload.Candidates{})
	require.NoError(t, err)
	weight := map[string]float64{"A1": 13, "A2": 14, "A3": 12, "A4": 0}
	count := map[string]int{"A1": 13, "A2": 14, "A3": 12, "A4": 0}
	difficulty := map[string]float64{}
	for i := range 10 {
		difficulty[fmt.Sprintf("L%02d", i)] = 1 + 0.5*float64(i)
	}
	for _, m := range plan.Moves {
		weight[m.To] += difficulty[m.Family]
		count[m.To]++
		assert.LessOrEqual(t, weight[m.To], 16.0, "%s to %s", m.Family, m.To)
		assert.LessOrEqual(t, count[m.To], 15)
	}
	// Room by weight: A1 3, A2 2, A3 4, A4 16; the families weigh 32.5.
	assert.Len(t, plan.Moves, 7)
	assert.Equal(t, 16.0, weight["A4"], "A4 is filled to the weighted cap exactly")
	require.Len(t, plan.Unplaced, 3)
	for _, m := range plan.Unplaced {
		assert.Equal(t, []string{"local.weighted_caseload"}, ruleIDs(m.Decision))
	}
}

func TestPlanReassignmentCandidates(t *testing.T) {
	f, leaving := leavingFixture(t, nil, assistant("B1", employer("G2")))
	on := d("2016-09-01")

	plan, err := f.cl.PlanReassignment(f.ctx, "A0", on, head, caseload.Candidates{Employer: "G2"})
	require.NoError(t, err)
	require.Len(t, plan.Moves, 10)
	for _, m := range plan.Moves {
		assert.Equal(t, "B1", m.To)
	}

	plan, err = f.cl.PlanReassignment(f.ctx, "A0", on, head, caseload.Candidates{Employer: "G9"})
	require.NoError(t, err)
	assert.Empty(t, plan.Moves)
	require.Len(t, plan.Unplaced, 10)
	assert.Equal(t, leaving[9], plan.Unplaced[0].Family)
	assert.Equal(t, []rules.Text{{PL: "żaden asystent nie może przyjąć rodziny", EN: "no assistant can take the family"}}, plan.Unplaced[0].Reasons)

	plan, err = f.cl.PlanReassignment(f.ctx, "A1", on, head, caseload.Candidates{Employer: "G2"})
	require.NoError(t, err)
	assert.Len(t, plan.Moves, 13, "B1 takes 13 of A1's families…")
	assert.Empty(t, plan.Unplaced)

	// A mistyped ID is an error, not an assistant with nothing to hand over.
	_, err = f.cl.PlanReassignment(f.ctx, "nobody", on, head, caseload.Candidates{})
	assert.ErrorIs(t, err, workflow.ErrUnknownWorker)
	_, err = f.cl.PlanReassignment(f.ctx, head.ID, on, head, caseload.Candidates{})
	require.Error(t, err)
	assert.NotErrorIs(t, err, workflow.ErrUnknownWorker, "H1 is known: refused as not an assistant")
	assert.Contains(t, err.Error(), "not a family assistant")
}

// The plan evaluates local rules with the family's children counted, as
// the engine does when the move is fired.
func TestPlanReassignmentFamilyFacts(t *testing.T) {
	rs := ruleSet(t, `name: Gmina Rodzinna
rules:
  - id: local.large_families
    on: reassign_assistant
    expr: family.children < 3 || worker.id == "A3"
    message: {pl: "Rodziny wielodzietne prowadzi A3.", en: "Large families go to A3."}
  - id: local.placed_children
    on: reassign_assistant
    expr: family.placed_children == 0 || worker.id == "A2"
    message: {pl: "Rodziny z dziećmi w pieczy prowadzi A2.", en: "Families with children in care go to A2."}
`)
	on := d("2016-03-01")
	f := newFixture(t, rs, assistant("A0"), assistant("A1"), assistant("A2"), assistant("A3"))
	require.NoError(t, f.reg.AddInstitution(workflow.Institution{ID: "I1"}))
	for _, id := range []string{"BIG", "PLACED", "SMALL"} {
		f.requested(id, on, workflow.FamilyInfo{})
		f.assign(id, "A0", on)
	}
	for i := range 3 {
		require.NoError(t, f.e.DeclareChild(f.ctx, fmt.Sprintf("BIG-C%d", i), workflow.ChildInfo{Family: "BIG", Born: d("2010-01-01")}))
	}
	require.NoError(t, f.e.DeclareChild(f.ctx, "PLACED-C1", workflow.ChildInfo{Family: "PLACED", Born: d("2004-01-01")}))
	f.fire("PLACED-C1", "place", org, on, workflow.Args{"form": workflow.FormInstitution, "carer": "I1", "court_ref": "III Nsm 7/16"})

	plan, err := f.cl.PlanReassignment(f.ctx, "A0", on, head, caseload.Candidates{})
	require.NoError(t, err)
	to := map[string]string{}
	for _, m := range plan.Moves {
		to[m.Family] = m.To
		f.fire(m.Family, "reassign_assistant", head, on, workflow.Args{"assistant": m.To}) // as the engine decides
	}
	assert.Equal(t, map[string]string{"BIG": "A3", "PLACED": "A2", "SMALL": "A1"}, to)
	assert.Empty(t, plan.Unplaced)
}
