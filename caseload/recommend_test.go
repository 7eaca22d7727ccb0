package caseload_test

import (
	"testing"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRecommendOrder(t *testing.T) {
	on := d("2016-06-01")
	tests := []struct {
		name    string
		workers []workflow.Worker
		setup   func(f *fixture) string // returns the family to recommend for
		cand    caseload.Candidates
		want    []string
	}{
		{
			name:    "eligible before ineligible, whatever the load",
			workers: []workflow.Worker{assistant("A1"), assistant("A2")},
			setup: func(f *fixture) string {
				f.families("F", "A1", 15, on)
				f.families("G", "A2", 14, on)
				f.requested("X", on, workflow.FamilyInfo{})
				return "X"
			},
			want: []string{"A2", "A1"},
		},
		{
			name:    "least loaded relative to the cap",
			workers: []workflow.Worker{assistant("A1"), assistant("A2"), assistant("A3")},
			setup: func(f *fixture) string {
				f.families("F", "A1", 5, on)
				f.families("G", "A2", 3, on)
				f.families("H", "A3", 4, on)
				f.requested("X", on, workflow.FamilyInfo{})
				return "X"
			},
			want: []string{"A2", "A3", "A1"},
		},
		{
			name:    "load before continuity",
			workers: []workflow.Worker{assistant("A1"), assistant("A2")},
			setup: func(f *fixture) string {
				f.requested("X", on, workflow.FamilyInfo{})
				f.assign("X", "A2", on)
				f.fire("X", "end_work", head, on.AddDays(30), workflow.Args{"reason": "goals_achieved"})
				f.fire("X", "reopen", sw, on.AddDays(60), nil)
				f.fire("X", "give_consent", sw, on.AddDays(60), nil)
				f.families("G", "A2", 2, on)
				f.families("F", "A1", 1, on)
				return "X"
			},
			want: []string{"A1", "A2"},
		},
		{
			name:    "continuity through reopen after end_work",
			workers: []workflow.Worker{assistant("A1"), assistant("A2"), assistant("A3")},
			setup: func(f *fixture) string {
				f.requested("X", on, workflow.FamilyInfo{})
				f.assign("X", "A2", on)
				f.fire("X", "end_work", head, on.AddDays(30), workflow.Args{"reason": "goals_achieved"})
				f.fire("X", "reopen", sw, on.AddDays(60), nil)
				f.fire("X", "give_consent", sw, on.AddDays(60), nil)
				return "X"
			},
			want: []string{"A2", "A1", "A3"},
		},
		{
			name:    "continuity through reassign_assistant; the current assistant is left out",
			workers: []workflow.Worker{assistant("A1"), assistant("A2"), assistant("A3")},
			setup: func(f *fixture) string {
				f.requested("X", on, workflow.FamilyInfo{})
				f.assign("X", "A3", on)
				f.fire("X", "reassign_assistant", head, on, workflow.Args{"assistant": "A1"})
				f.families("F", "A3", 1, on) // A2 and A3 now hold one family each
				f.families("G", "A2", 1, on)
				return "X"
			},
			want: []string{"A3", "A2"},
		},
		{
			name:    "continuity before the same area",
			workers: []workflow.Worker{assistant("A1", area("north")), assistant("A2", area("south"))},
			setup: func(f *fixture) string {
				f.requested("X", on, workflow.FamilyInfo{Area: "north"})
				f.assign("X", "A2", on)
				f.fire("X", "end_work", head, on, workflow.Args{"reason": "moved_away"})
				f.fire("X", "reopen", sw, on, nil)
				f.fire("X", "give_consent", sw, on, nil)
				return "X"
			},
			want: []string{"A2", "A1"},
		},
		{
			name:    "same area, then ID",
			workers: []workflow.Worker{assistant("A1", area("south")), assistant("A2", area("north")), assistant("A3", area("north")), assistant("A0")},
			setup: func(f *fixture) string {
				f.requested("X", on, workflow.FamilyInfo{Area: "north"})
				return "X"
			},
			want: []string{"A2", "A3", "A0", "A1"},
		},
		{
			name:    "no area on the family matches nobody",
			workers: []workflow.Worker{assistant("A2"), assistant("A1", area("north"))},
			setup: func(f *fixture) string {
				f.requested("X", on, workflow.FamilyInfo{})
				return "X"
			},
			want: []string{"A1", "A2"},
		},
		{
			name: "employer filter",
			workers: []workflow.Worker{assistant("A1", employer("G2")), assistant("A2"), assistant("A3", employer("G2")),
				socialWorker("SW9", "G2", 1)},
			setup: func(f *fixture) string {
				f.families("F", "A3", 2, on)
				f.requested("X", on, workflow.FamilyInfo{})
				return "X"
			},
			cand: caseload.Candidates{Employer: "G2"},
			want: []string{"A1", "A3"},
		},
		{
			name: "only assistants employed on the date",
			workers: []workflow.Worker{assistant("A1", func(w *workflow.Worker) { w.To = d("2016-05-31") }), assistant("A2"),
				assistant("A3", func(w *workflow.Worker) { w.From = d("2016-06-02") })},
			setup: func(f *fixture) string {
				f.requested("X", on, workflow.FamilyInfo{})
				return "X"
			},
			want: []string{"A2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil, tt.workers...)
			family := tt.setup(f)
			recs, err := f.cl.Recommend(f.ctx, family, on, head, tt.cand)
			require.NoError(t, err)
			var got []string
			for i, r := range recs {
				got = append(got, r.Worker)
				if i > 0 && recs[i-1].Eligible != r.Eligible {
					assert.True(t, recs[i-1].Eligible, "eligible ones first")
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRecommendReasons(t *testing.T) {
	on := d("2016-06-01")
	f := newFixture(t, nil, assistant("A1", area("north")), assistant("A2", area("north")))
	f.requested("X", on, workflow.FamilyInfo{Area: "north"})
	f.assign("X", "A1", on)
	f.fire("X", "end_work", head, on, workflow.Args{"reason": "moved_away"})
	f.fire("X", "reopen", sw, on, nil)
	f.fire("X", "give_consent", sw, on, nil)
	f.families("F", "A2", 15, on)
	f.families("G", "A1", 3, on)

	recs, err := f.cl.Recommend(f.ctx, "X", on, head, caseload.Candidates{})
	require.NoError(t, err)
	require.Len(t, recs, 2)

	a1 := recs[0]
	assert.Equal(t, "A1", a1.Worker)
	assert.True(t, a1.Eligible)
	assert.True(t, a1.Continuity)
	assert.True(t, a1.SameArea)
	assert.True(t, a1.Decision.Allowed)
	assert.Equal(t, 3, a1.Load.Families)
	assert.Equal(t, []rules.Text{
		{PL: "spełnia wszystkie reguły", EN: "meets every rule"},
		{PL: "obciążenie 3/15 rodzin (20%)", EN: "load 3/15 families (20%)"},
		{PL: "pracował(a) już z tą rodziną", EN: "worked with this family before"},
		{PL: "ten sam rejon", EN: "same area"},
	}, a1.Reasons)

	a2 := recs[1]
	assert.Equal(t, "A2", a2.Worker)
	assert.False(t, a2.Eligible)
	assert.False(t, a2.Decision.Allowed)
	assert.Equal(t, []string{"assistant.max_families"}, ruleIDs(a2.Decision))
	assert.Equal(t, []rules.Text{
		{PL: "assistant.max_families: Asystent rodziny może pracować jednocześnie z najwyżej 15 rodzinami.",
			EN: "assistant.max_families: A family assistant may work with at most 15 families at the same time."},
		{PL: "obciążenie 15/15 rodzin (100%)", EN: "load 15/15 families (100%)"},
		{PL: "ten sam rejon", EN: "same area"},
	}, a2.Reasons)
}

func TestRecommendErrors(t *testing.T) {
	on := d("2016-06-01")
	f := newFixture(t, nil, assistant("A1"))
	f.fosterFamily("R1", workflow.FormKinship, "", on)
	_, err := f.cl.Recommend(f.ctx, "R1", on, head, caseload.Candidates{})
	assert.EqualError(t, err, "caseload: R1 is not a family case")
	_, err = f.cl.Recommend(f.ctx, "nope", on, head, caseload.Candidates{})
	assert.ErrorIs(t, err, workflow.ErrNotFound)

	// A family in analysis cannot take an assistant at all: not a denial.
	require.NoError(t, f.e.DeclareFamily(f.ctx, "X", workflow.FamilyInfo{}))
	f.fire("X", "refer", sw, on, nil)
	_, err = f.cl.Recommend(f.ctx, "X", on, head, caseload.Candidates{})
	assert.ErrorIs(t, err, workflow.ErrInvalidTransition)

	// No basis yet: every assistant is denied by assistant.basis_required.
	f.fire("X", "complete_interview", sw, on, nil)
	f.fire("X", "request_assistant", sw, on, nil)
	recs, err := f.cl.Recommend(f.ctx, "X", on, head, caseload.Candidates{})
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.False(t, recs[0].Eligible)
	assert.Equal(t, []string{"assistant.basis_required"}, ruleIDs(recs[0].Decision))

	// No candidates.
	recs, err = f.cl.Recommend(f.ctx, "X", on, head, caseload.Candidates{Employer: "G9"})
	require.NoError(t, err)
	assert.Empty(t, recs)
}
