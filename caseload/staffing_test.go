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

func socialWorker(id, employer string, fte float64) workflow.Worker {
	return workflow.Worker{ID: id, Role: workflow.SocialWorker, Employer: employer, FTE: fte}
}

// socialWorkers returns n full-time social workers of employer, SW2 on.
func socialWorkers(employer string, n int) []workflow.Worker {
	var out []workflow.Worker
	for i := range n {
		out = append(out, socialWorker(fmt.Sprintf("SW%d", i+2), employer, 1))
	}
	return out
}

func TestStaffingSocialWorkerNorm(t *testing.T) {
	type norm struct{ byInh, byFam, required int }
	tests := []struct {
		name        string
		inhabitants int
		families    int
		workers     []workflow.Worker // besides SW1 (1.0 FTE in G1)
		fte         float64
		norm        norm
		violations  []string
	}{
		{
			name: "9,000 inhabitants and 120 families: the families' ratio asks for less", inhabitants: 9000, families: 120,
			workers: []workflow.Worker{socialWorker("SW2", "G1", 1), socialWorker("SW3", "G1", 1)},
			fte:     3, norm: norm{5, 3, 3},
		},
		{
			name: "9,000 inhabitants, families unknown: 5 by inhabitants", inhabitants: 9000,
			workers: []workflow.Worker{socialWorker("SW2", "G1", 1), socialWorker("SW3", "G1", 1)},
			fte:     3, norm: norm{5, 0, 5}, violations: []string{"social_worker.inhabitants_per_fte"},
		},
		{
			name: "a small gmina still needs the minimum of 3", inhabitants: 3000,
			workers: []workflow.Worker{socialWorker("SW2", "G1", 0.5)},
			fte:     1.5, norm: norm{2, 0, 3}, violations: []string{"social_worker.min_fte"},
		},
		{
			name: "part-time workers sum to the minimum", inhabitants: 5000, families: 40,
			workers: []workflow.Worker{socialWorker("SW2", "G1", 0.5), socialWorker("SW3", "G1", 0.75), socialWorker("SW4", "G1", 0.75)},
			fte:     3, norm: norm{3, 1, 3},
		},
		{
			name: "an FTE of 0 is full time", inhabitants: 4000,
			workers: []workflow.Worker{socialWorker("SW2", "G1", 0), socialWorker("SW3", "G1", 0)},
			fte:     3, norm: norm{2, 0, 3},
		},
		{
			name: "inhabitants round up", inhabitants: 20001,
			workers: socialWorkers("G1", 10),
			fte:     11, norm: norm{11, 0, 11},
		},
		{
			name: "the families' ratio breached", inhabitants: 30000, families: 400,
			workers: socialWorkers("G1", 6),
			fte:     7, norm: norm{15, 8, 8}, violations: []string{"social_worker.families_per_fte"},
		},
		{
			name: "below the minimum and the ratio", inhabitants: 9000,
			workers: []workflow.Worker{socialWorker("SW2", "G1", 1)},
			fte:     2, norm: norm{5, 0, 5}, violations: []string{"social_worker.min_fte", "social_worker.inhabitants_per_fte"},
		},
		{
			name: "other employers and ended posts are not counted", inhabitants: 6000,
			workers: []workflow.Worker{
				socialWorker("SW2", "G1", 1), socialWorker("SW3", "G2", 1), socialWorker("SW4", "G2", 1),
				{ID: "SW5", Role: workflow.SocialWorker, Employer: "G1", To: d("2016-12-31")},
				{ID: "SW6", Role: workflow.SocialWorker, Employer: "G1", From: d("2017-07-01")},
				assistant("A9"), {ID: "H2", Role: workflow.OPSHead, Employer: "G1"},
			},
			fte: 2, norm: norm{3, 0, 3}, violations: []string{"social_worker.min_fte"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil, tt.workers...)
			on := d("2017-06-30")
			rep, err := f.cl.Staffing(f.ctx, caseload.StaffingInput{Unit: "G1", Name: "Gmina", Inhabitants: tt.inhabitants,
				SocialWorkFamilies: tt.families}, on)
			require.NoError(t, err)
			n := rep.SocialWorkers
			assert.InDelta(t, tt.fte, n.FTE, 1e-9)
			assert.Equal(t, tt.norm, norm{n.ByInhabitants, n.ByFamilies, n.Required})
			assert.Equal(t, 3, n.Minimum)
			assert.Equal(t, n.FTE+1e-9 >= float64(n.Required), n.Met)
			assert.Equal(t, "art. 110 ust. 11–12 UPS", n.Basis)
			var got []string
			for _, v := range rep.Violations {
				got = append(got, v.Rule)
				assert.NotEmpty(t, v.Msg.PL)
				assert.NotEmpty(t, v.Msg.EN)
			}
			assert.Equal(t, tt.violations, got)
			assert.Equal(t, "G1", rep.Unit)
			assert.Equal(t, "Gmina", rep.Name)
			assert.Equal(t, on, rep.On)
			assert.Equal(t, f.e.RuleSet().Revision(), rep.Revision)
		})
	}
}

func TestStaffingMessages(t *testing.T) {
	f := newFixture(t, nil)
	rep, err := f.cl.Staffing(f.ctx, caseload.StaffingInput{Unit: "G1", Inhabitants: 9000}, d("2017-06-30"))
	require.NoError(t, err)
	require.Len(t, rep.Violations, 2)
	assert.Equal(t, caseload.Violation{Rule: "social_worker.min_fte", Msg: rules.Text{
		PL: "ośrodek zatrudnia 1,00 etatu pracowników socjalnych, a minimum to 3",
		EN: "the centre employs 1.00 FTE of social workers against a minimum of 3"}}, rep.Violations[0])
	assert.Equal(t, caseload.Violation{Rule: "social_worker.inhabitants_per_fte", Msg: rules.Text{
		PL: "ośrodek zatrudnia 1,00 etatu pracowników socjalnych, a norma wymaga 5",
		EN: "the centre employs 1.00 FTE of social workers; the norm requires 5"}}, rep.Violations[1])
}

// The report lists every assistant's and coordinator's load against the
// cap in force, and each one over it as a violation.
func TestStaffingUtilisation(t *testing.T) {
	f := newFixture(t, nil, assistant("A1"), assistant("A2", fte(0.5)), assistant("A3", employer("G2")),
		coordinator("K1"), workflow.Worker{ID: "K2", Role: workflow.FosterCareCoordinator, Employer: "G1"},
		socialWorker("SW2", "G1", 1), socialWorker("SW3", "G1", 1))
	on := d("2014-06-01")
	f.families("F", "A1", 18, on) // 18 ≤ 20 in 2014
	f.families("G", "A2", 3, on)
	f.families("H", "A3", 4, on)
	for i := range 2 {
		f.fosterFamily("R"+twoDigits(i), workflow.FormKinship, "K2", on)
	}
	tests := []struct {
		on         string
		caps       [2]int
		violations []caseload.Violation
	}{
		{"2014-12-31", [2]int{20, 30}, nil},
		{"2015-01-01", [2]int{15, 15}, []caseload.Violation{{Rule: "assistant.max_families", Worker: "A1", Msg: rules.Text{
			PL: "A1 prowadzi 18 spraw przy limicie 15: nowe przydziały są wstrzymane",
			EN: "A1 holds 18 cases against a cap of 15: new assignments are refused"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.on, func(t *testing.T) {
			rep, err := f.cl.Staffing(f.ctx, caseload.StaffingInput{Unit: "G1", Inhabitants: 5000}, d(tt.on))
			require.NoError(t, err)
			require.Len(t, rep.Assistants, 2, "A3 works for G2")
			assert.Equal(t, "A1", rep.Assistants[0].Worker)
			assert.Equal(t, 18, rep.Assistants[0].Families)
			assert.Equal(t, tt.caps[0], rep.Assistants[0].Cap)
			assert.InDelta(t, 18/float64(tt.caps[0]), rep.Assistants[0].Utilisation(), 1e-9)
			assert.Equal(t, "A2", rep.Assistants[1].Worker)
			assert.Equal(t, 3, rep.Assistants[1].Families)
			require.Len(t, rep.Coordinators, 1)
			assert.Equal(t, "K2", rep.Coordinators[0].Worker)
			assert.Equal(t, 2, rep.Coordinators[0].FosterFamilies)
			assert.Equal(t, tt.caps[1], rep.Coordinators[0].Cap)
			assert.Equal(t, tt.violations, rep.Violations)
			assert.True(t, rep.SocialWorkers.Met)
		})
	}
}

// A municipality lowers the cap to 12 while an assistant holds 15
// families: nothing is taken away, the assistant shows over the cap from
// that date, and new assignments are refused until they are under it.
func TestLoweredCap(t *testing.T) {
	rs := ruleSet(t, `name: Gmina Niższa
parameters:
  assistant.max_families:
    - {value: 12, from: 2024-01-01}
`)
	f := newFixture(t, rs, assistant("A1"), assistant("A2"), socialWorker("SW2", "G1", 1), socialWorker("SW3", "G1", 1))
	ids := f.families("F", "A1", 15, d("2023-03-01"))
	f.requested("NEW", d("2023-03-01"), workflow.FamilyInfo{})

	before, after := d("2023-12-31"), d("2024-01-01")
	l := f.load("A1", before)
	assert.Equal(t, 15, l.Families)
	assert.Equal(t, 15, l.Cap)
	assert.False(t, l.Over())
	l = f.load("A1", after)
	assert.Equal(t, 15, l.Families, "nothing is taken away")
	assert.Equal(t, 12, l.Cap)
	assert.Equal(t, "gmina.yaml:4", l.CapSource)
	assert.True(t, l.Over())

	// The families stay with A1 and A1 keeps working with them.
	a1 := workflow.Actor{ID: "A1", Role: workflow.FamilyAssistant}
	f.fire(ids[0], "approve_plan", a1, after, nil)
	f.fire(ids[0], "assess", a1, after, workflow.Args{"result": "positive"})

	rep, err := f.cl.Staffing(f.ctx, caseload.StaffingInput{Unit: "G1", Inhabitants: 5000}, after)
	require.NoError(t, err)
	require.Len(t, rep.Violations, 1)
	assert.Equal(t, "assistant.max_families", rep.Violations[0].Rule)
	assert.Equal(t, "A1", rep.Violations[0].Worker)
	rep, err = f.cl.Staffing(f.ctx, caseload.StaffingInput{Unit: "G1", Inhabitants: 5000}, before)
	require.NoError(t, err)
	assert.Empty(t, rep.Violations)

	// New assignments are refused until A1 is under 12.
	on := d("2024-02-01")
	for i, id := range ids[:4] {
		held := 15 - i
		dec, err := f.cl.CheckAssignment(f.ctx, "NEW", "A1", on, head)
		require.ErrorIs(t, err, workflow.ErrDenied, "with %d families", held)
		assert.Equal(t, []string{"assistant.max_families"}, ruleIDs(dec))
		assert.Contains(t, dec.Unmet()[0].Message.EN, "at most 12 families")
		assert.Contains(t, dec.Unmet()[0].Message.PL, "najwyżej 12 rodzinami")
		f.fire(id, "end_work", head, on, workflow.Args{"reason": "goals_achieved"})
	}
	l = f.load("A1", on)
	assert.Equal(t, 11, l.Families)
	assert.False(t, l.Over())
	dec, err := f.cl.CheckAssignment(f.ctx, "NEW", "A1", on, head)
	require.NoError(t, err)
	assert.True(t, dec.Allowed)
	// Before the lowering the same check used 15.
	dec, err = f.cl.CheckAssignment(f.ctx, "NEW", "A1", before, head)
	require.NoError(t, err)
	assert.True(t, dec.Allowed)

	// Recommend puts A1 behind an assistant with room, and reports why.
	recs, err := f.cl.Recommend(f.ctx, "NEW", on, head, caseload.Candidates{})
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, "A2", recs[0].Worker)
	assert.Equal(t, "A1", recs[1].Worker)
	assert.InDelta(t, 11.0/12, recs[1].Load.Utilisation(), 1e-9)
}
