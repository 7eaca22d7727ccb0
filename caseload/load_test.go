package caseload_test

import (
	"testing"

	"github.com/asysta/asysta/caseload"
	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Only families in assistant work count: not those waiting for an
// assistant, in monitoring or closed.
func TestLoadCountsFamiliesInAssistantWork(t *testing.T) {
	f := newFixture(t, nil, assistant("A1"))
	on := d("2016-03-01")
	ids := f.families("F", "A1", 5, on)
	f.requested("W1", on, workflow.FamilyInfo{})                                                 // waiting, not assigned
	f.fire(ids[0], "end_work", head, d("2016-05-01"), workflow.Args{"reason": "goals_achieved"}) // → monitoring
	f.fire(ids[1], "end_work", head, d("2016-05-01"), workflow.Args{"reason": "moved_away"})     // → closed
	f.fire(ids[2], "end_work", head, d("2016-05-01"), workflow.Args{"reason": "goals_achieved"})
	f.fire(ids[2], "end_monitoring", sw, d("2016-08-01"), nil) // monitoring → closed
	f.fire(ids[3], "approve_plan", workflow.Actor{ID: "A1", Role: workflow.FamilyAssistant}, on, nil)

	tests := []struct {
		on   string
		want int
	}{
		{"2016-02-29", 5}, // loads are not historical: the store holds today's state
		{"2016-04-30", 2},
		{"2016-09-01", 2},
	}
	for _, tt := range tests {
		t.Run(tt.on, func(t *testing.T) {
			l := f.load("A1", d(tt.on))
			assert.Equal(t, 2, l.Families, "planning and implementing count; monitoring and closed do not")
			assert.Equal(t, 2.0, l.Weight)
			assert.Equal(t, 15, l.Cap)
			assert.False(t, l.Over())
			assert.InDelta(t, 2.0/15, l.Utilisation(), 1e-9)
		})
	}
}

func TestLoadWeightAndRoles(t *testing.T) {
	f := newFixture(t, nil, assistant("A1"), coordinator("K1"),
		workflow.Worker{ID: "SW2", Role: workflow.SocialWorker, Employer: "G1"})
	on := d("2016-03-01")
	for i, diff := range []float64{1, 2.5, 0.5} {
		id := "F" + twoDigits(i)
		f.requested(id, on, workflow.FamilyInfo{Difficulty: diff})
		f.assign(id, "A1", on)
	}
	l := f.load("A1", on)
	assert.Equal(t, caseload.Load{Worker: "A1", Role: workflow.FamilyAssistant, On: on, Families: 3, Weight: 4,
		Cap: 15, CapRule: "assistant.max_families", CapSource: "statute"}, l)
	assert.Equal(t, 3, l.Count())

	soc := f.load("SW2", on)
	assert.Equal(t, caseload.Load{Worker: "SW2", Role: workflow.SocialWorker, On: on}, soc, "no cap for a social worker")
	assert.False(t, soc.Over())
	assert.Zero(t, soc.Utilisation())

	_, err := f.cl.Load(f.ctx, "nobody", on)
	assert.ErrorIs(t, err, workflow.ErrUnknownWorker)
}

// 'Za życiem' families count toward the cap unless the municipality says
// otherwise; when they do not, an assistant at the cap may still take one.
func TestLoadZaZyciem(t *testing.T) {
	const notCounted = `name: Gmina
parameters:
  assistant.count_za_zyciem_in_cap: false
`
	tests := []struct {
		name          string
		rs            func(t *testing.T) *rules.RuleSet
		families      int
		notCounted    int
		zzAtCapDenied bool
	}{
		{"statute: counted", func(*testing.T) *rules.RuleSet { return nil }, 15, 0, true},
		{"municipal file: not counted", func(t *testing.T) *rules.RuleSet { return ruleSet(t, notCounted) }, 13, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.rs(t), assistant("A1"))
			on := d("2017-03-01")
			f.families("F", "A1", 13, on)
			for _, id := range []string{"Z1", "Z2"} {
				f.zaZyciem(id, on)
				f.assign(id, "A1", on)
			}
			l := f.load("A1", on)
			assert.Equal(t, tt.families, l.Families)
			assert.Equal(t, tt.notCounted, l.ZaZyciemNotCounted)
			assert.False(t, l.Over())

			// A third 'Za życiem' family, and an ordinary one.
			f.zaZyciem("Z3", on)
			f.requested("F99", on, workflow.FamilyInfo{})
			dec, err := f.cl.CheckAssignment(f.ctx, "Z3", "A1", on, head)
			if tt.zzAtCapDenied {
				require.ErrorIs(t, err, workflow.ErrDenied)
				assert.Equal(t, []string{"assistant.max_families"}, ruleIDs(dec))
			} else {
				require.NoError(t, err)
				assert.True(t, dec.Allowed)
			}
			dec, err = f.cl.CheckAssignment(f.ctx, "F99", "A1", on, head)
			if tt.families == 15 {
				require.ErrorIs(t, err, workflow.ErrDenied)
				assert.False(t, dec.Allowed)
			} else {
				require.NoError(t, err)
				assert.True(t, dec.Allowed)
			}
		})
	}
}

// A coordinator's load is the foster families they support; a dissolved
// foster family no longer counts.
func TestLoadCoordinator(t *testing.T) {
	f := newFixture(t, nil, coordinator("K1"), coordinator("K2"))
	on := d("2016-03-01")
	for i := range 4 {
		f.fosterFamily("R"+twoDigits(i), workflow.FormProfessional, "K1", on)
	}
	f.fosterFamily("R10", workflow.FormKinship, "K2", on)
	f.place("C1", d("2010-01-01"), workflow.FormProfessional, "R00", on)
	f.fire("R00", "dissolve", org, d("2016-06-01"), nil)

	l := f.load("K1", on)
	assert.Equal(t, 3, l.FosterFamilies)
	assert.Equal(t, 3, l.Count())
	assert.Zero(t, l.Families)
	assert.Equal(t, 15, l.Cap)
	assert.Equal(t, "coordinator.max_foster_families", l.CapRule)
	assert.Equal(t, 1, f.load("K2", on).FosterFamilies)
}

// The cap is the one in force on the date asked about: the statute's
// history, and a municipality lowering it from a date.
func TestLoadCapAcrossDates(t *testing.T) {
	lowered := ruleSet(t, `name: Gmina Niższa
parameters:
  assistant.max_families:
    - {value: 12, from: 2024-01-01}
`)
	tests := []struct {
		name   string
		rs     *rules.RuleSet
		worker string
		on     string
		cap    int
		source string
	}{
		{"assistant in 2012", nil, "A1", "2012-06-01", 20, "statute"},
		{"assistant on the last day of 2014", nil, "A1", "2014-12-31", 20, "statute"},
		{"assistant from 2015", nil, "A1", "2015-01-01", 15, "statute"},
		{"assistant in 2024 under the statute", nil, "A1", "2024-01-01", 15, "statute"},
		{"coordinator in 2014", nil, "K1", "2014-12-31", 30, "statute"},
		{"coordinator from 2015", nil, "K1", "2015-01-01", 15, "statute"},
		{"lowered cap: the day before", lowered, "A1", "2023-12-31", 15, "statute"},
		{"lowered cap: from its first day", lowered, "A1", "2024-01-01", 12, "gmina.yaml:4"},
		{"lowered cap: later", lowered, "A1", "2026-05-01", 12, "gmina.yaml:4"},
		{"lowered assistant cap leaves coordinators alone", lowered, "K1", "2024-01-01", 15, "statute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.rs, assistant("A1"), coordinator("K1"))
			l := f.load(tt.worker, d(tt.on))
			assert.Equal(t, tt.cap, l.Cap)
			assert.Equal(t, tt.source, l.CapSource)
		})
	}
}

// The caps are enforced across their dates: 20 families in 2014, 15 from
// 2015 for an assistant; 30 and 15 for a coordinator.
func TestCapEnforcedAcrossDates(t *testing.T) {
	t.Run("assistant", func(t *testing.T) {
		f := newFixture(t, nil, assistant("A1"))
		f.families("F", "A1", 19, d("2014-06-01"))
		f.requested("X1", d("2014-06-01"), workflow.FamilyInfo{})
		_, err := f.cl.CheckAssignment(f.ctx, "X1", "A1", d("2014-12-31"), head)
		require.NoError(t, err, "the 20th family in 2014")
		dec, err := f.cl.CheckAssignment(f.ctx, "X1", "A1", d("2015-01-01"), head)
		require.ErrorIs(t, err, workflow.ErrDenied, "19 families are over the cap of 15 in 2015")
		assert.Equal(t, []string{"assistant.max_families"}, ruleIDs(dec))
		f.assign("X1", "A1", d("2014-12-31"))
		assert.False(t, f.load("A1", d("2014-12-31")).Over())
		assert.True(t, f.load("A1", d("2015-01-01")).Over())
	})
	t.Run("coordinator", func(t *testing.T) {
		f := newFixture(t, nil, coordinator("K1"))
		for i := range 29 {
			f.fosterFamily("R"+twoDigits(i), workflow.FormNonProfessional, "K1", d("2014-03-01"))
		}
		require.NoError(t, f.e.DeclareFosterFamily(f.ctx, "R99", workflow.FosterFamilyInfo{Form: workflow.FormNonProfessional}))
		cmd := workflow.Command{Trigger: "assign_coordinator", Actor: org, Args: workflow.Args{"coordinator": "K1"}}
		cmd.On = d("2015-01-01")
		dec, err := f.e.Check(f.ctx, "R99", cmd)
		require.ErrorIs(t, err, workflow.ErrDenied)
		assert.Equal(t, []string{"coordinator.max_foster_families"}, ruleIDs(dec))
		cmd.On = d("2014-12-31")
		_, err = f.e.Fire(f.ctx, "R99", cmd)
		require.NoError(t, err, "the 30th foster family in 2014")
		assert.Equal(t, 30, f.load("K1", d("2014-12-31")).FosterFamilies)
		assert.False(t, f.load("K1", d("2014-12-31")).Over())
		assert.True(t, f.load("K1", d("2015-01-01")).Over())
	})
}

// A municipal rule can pro-rate the cap to the assistant's FTE: a
// half-time assistant under a cap of 15 may hold 7 families (7 ≤ 7.5).
func TestCheckAssignmentPartTime(t *testing.T) {
	const partTime = `name: Gmina Etatowa
rules:
  - id: local.part_time_cap
    on: assign_assistant
    from: 2024-01-01
    expr: worker.families + 1 <= param("assistant.max_families") * worker.fte
    message:
      pl: "Limit rodzin asystenta jest proporcjonalny do etatu."
      en: "The assistant's cap is pro-rated to their FTE."
`
	tests := []struct {
		name     string
		fte      float64
		families int
		unmet    []string // nil: allowed
	}{
		{"half-time with 6 families", 0.5, 6, nil},
		{"half-time with 7 families", 0.5, 7, []string{"local.part_time_cap"}},
		{"half-time with 8 families", 0.5, 8, []string{"local.part_time_cap"}},
		{"full-time with 8 families", 1.0, 8, nil},
		{"full-time (FTE unset) with 14 families", 0, 14, nil},
		{"full-time with 15 families", 1.0, 15, []string{"assistant.max_families", "local.part_time_cap"}},
		{"three-quarter time with 10 families", 0.75, 10, nil},
		{"three-quarter time with 11 families", 0.75, 11, []string{"local.part_time_cap"}}, // 12 > 11.25
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, ruleSet(t, partTime), assistant("A1", fte(tt.fte)))
			// The families were assigned before the local rule applied.
			f.families("F", "A1", tt.families, d("2023-06-01"))
			f.requested("NEW", d("2023-06-01"), workflow.FamilyInfo{})
			on := d("2024-02-01")
			dec, err := f.cl.CheckAssignment(f.ctx, "NEW", "A1", on, head)
			if tt.unmet == nil {
				require.NoError(t, err)
				assert.True(t, dec.Allowed)
				return
			}
			require.ErrorIs(t, err, workflow.ErrDenied)
			var de *workflow.DeniedError
			require.ErrorAs(t, err, &de)
			assert.ElementsMatch(t, tt.unmet, de.RuleIDs())
			assert.ElementsMatch(t, tt.unmet, ruleIDs(dec))
			// Before the rule's first day only the statutory cap applies.
			dec, err = f.cl.CheckAssignment(f.ctx, "NEW", "A1", d("2023-12-31"), head)
			assert.Equal(t, tt.families < 15, err == nil, "before the local rule: %v", err)
			assert.Equal(t, tt.families < 15, dec.Allowed)
		})
	}
}

// CheckAssignment checks a reassignment for a family already in
// assistant work, and reports what is not a denial as an error.
func TestCheckAssignmentOther(t *testing.T) {
	f := newFixture(t, nil, assistant("A1"), assistant("A2"), assistant("A3", func(w *workflow.Worker) { w.To = d("2016-01-31") }))
	on := d("2016-03-01")
	f.families("F", "A1", 1, on)
	f.families("G", "A2", 15, on)

	dec, err := f.cl.CheckAssignment(f.ctx, "F01", "A2", on, head)
	require.ErrorIs(t, err, workflow.ErrDenied)
	assert.Equal(t, "reassign_assistant", dec.Trigger.Name)
	assert.Equal(t, []string{"assistant.max_families"}, ruleIDs(dec))

	_, err = f.cl.CheckAssignment(f.ctx, "F01", "A1", on, head)
	assert.ErrorIs(t, err, workflow.ErrArgument, "already the family's assistant")
	_, err = f.cl.CheckAssignment(f.ctx, "F01", "A3", on, head)
	assert.ErrorIs(t, err, workflow.ErrArgument, "no longer employed")
	_, err = f.cl.CheckAssignment(f.ctx, "F01", "SW1", on, head)
	assert.ErrorIs(t, err, workflow.ErrArgument, "not an assistant")
	_, err = f.cl.CheckAssignment(f.ctx, "F01", "A2", on, sw)
	assert.ErrorIs(t, err, workflow.ErrForbidden)
	_, err = f.cl.CheckAssignment(f.ctx, "nope", "A2", on, head)
	assert.ErrorIs(t, err, workflow.ErrNotFound)

	f.fosterFamily("R1", workflow.FormKinship, "", on)
	_, err = f.cl.CheckAssignment(f.ctx, "R1", "A2", on, head)
	assert.EqualError(t, err, "caseload: R1 is not a family case")
}
