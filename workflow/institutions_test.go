package workflow_test

import (
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kindsWorld adds an institution of each kind: PI intervention, PR family
// type, PT specialist-therapeutic (P1 and P2 are socialising).
func kindsWorld(t *testing.T, st storeKind) *world {
	w := newWorld(t, st)
	for id, kind := range map[string]string{"PI": workflow.InstitutionIntervention, "PR": workflow.InstitutionFamilyType,
		"PT": workflow.InstitutionSpecialistTherapeutic} {
		require.NoError(t, w.dir.AddInstitution(workflow.Institution{ID: id, Kind: kind}))
	}
	w.declareFamily("F1")
	return w
}

func TestInstitutions_kindIsChecked(t *testing.T) {
	dir := workflow.NewMemoryDirectory()
	assert.Error(t, dir.AddInstitution(workflow.Institution{ID: "P", Kind: "orphanage"}))
	assert.NoError(t, dir.AddInstitution(workflow.Institution{ID: "P"}))
	assert.Equal(t, workflow.InstitutionSocialising, workflow.Institution{ID: "P"}.EffectiveKind())
}

func TestInstitutions_minAge(t *testing.T) { forEachStore(t, testInstitutions_minAge) }

func testInstitutions_minAge(t *testing.T, st storeKind) {
	rows := []struct {
		carer string
		kind  errKind
	}{
		{inst, denied}, {"PT", denied}, {"PI", allowed}, {"PR", allowed},
	}
	for _, r := range rows {
		t.Run(r.carer, func(t *testing.T) {
			w := kindsWorld(t, st)
			w.declareChild("C", "F1", "2018-01-01") // 6 years old
			_, err := w.fire("C", "place", org, testDay, workflow.Args{"form": workflow.FormInstitution, "carer": r.carer, "court_ref": courtRef})
			assertKind(t, r.kind, err)
			if r.kind == denied {
				var de *workflow.DeniedError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, []string{"institution.min_age"}, de.RuleIDs())
			}
		})
	}
}

func TestInstitutions_familyTypeCapacity(t *testing.T) {
	forEachStore(t, testInstitutions_familyTypeCapacity)
}

func testInstitutions_familyTypeCapacity(t *testing.T, st storeKind) {
	rows := []struct {
		name     string
		already  int
		siblings bool
		kind     errKind
	}{
		{"8th child", 7, false, allowed},
		{"9th child", 8, false, denied},
		{"9th child, siblings", 8, true, allowed},
		{"10th child, siblings", 9, true, allowed},
		{"11th child, siblings", 10, true, denied},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := kindsWorld(t, st)
			for i := range r.already {
				id := "K" + string(rune('a'+i))
				w.declareChild(id, "F1", childBorn)
				w.must(id, "place", org, pathStart, workflow.Args{"form": workflow.FormInstitution, "carer": "PR", "siblings": true})
			}
			w.declareChild("C", "F1", childBorn)
			_, err := w.fire("C", "place", org, testDay, workflow.Args{"form": workflow.FormInstitution, "carer": "PR", "siblings": r.siblings})
			assertKind(t, r.kind, err)
			if r.kind == denied {
				var de *workflow.DeniedError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, []string{"family_type_institution.max_children"}, de.RuleIDs())
			}
		})
	}
}

func TestInstitutions_interventionStay(t *testing.T) {
	forEachStore(t, testInstitutions_interventionStay)
}

func testInstitutions_interventionStay(t *testing.T, st storeKind) {
	type act struct {
		on, trigger string
		args        workflow.Args
		kind        errKind
		due         string // intervention_stay_end; "" = not open
	}
	inInst := func(carer string) workflow.Args {
		return workflow.Args{"form": workflow.FormInstitution, "carer": carer, "court_ref": courtRef}
	}
	rows := []struct {
		name  string
		steps []act
	}{
		{"3 months from the admission", []act{
			{"2024-01-31", "place", inInst("PI"), allowed, "2024-04-30"},
		}},
		{"extended until the court proceedings end", []act{
			{"2024-01-31", "place", inInst("PI"), allowed, "2024-04-30"},
			{"2024-04-15", "extend_stay", nil, allowed, ""},
			{"2024-04-16", "extend_stay", nil, denied, ""},
		}},
		{"a move out of the intervention institution ends it", []act{
			{"2024-01-31", "place", inInst("PI"), allowed, "2024-04-30"},
			{"2024-03-01", "move", inInst(inst), allowed, ""},
			{"2024-03-02", "extend_stay", nil, invalid, ""},
		}},
		{"a socialising institution has no stay limit", []act{
			{"2024-01-31", "place", inInst(inst), allowed, ""},
			{"2024-02-01", "extend_stay", nil, invalid, ""},
		}},
		{"a move from a foster family into intervention starts a stay", []act{
			{"2024-01-31", "place", workflow.Args{"form": workflow.FormProfessional, "carer": rProf}, allowed, ""},
			{"2024-02-29", "move", inInst("PI"), allowed, "2024-05-29"},
		}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := kindsWorld(t, st)
			w.declareChild("C", "F1", childBorn)
			for _, s := range r.steps {
				_, err := w.fire("C", s.trigger, org, s.on, s.args)
				assertKind(t, s.kind, err)
				if s.due == "" {
					w.notDue("C", workflow.OblInterventionStayEnd)
				} else {
					assert.Equal(t, d(s.due), w.due("C", workflow.OblInterventionStayEnd), "%s %s", s.trigger, s.on)
				}
			}
			replayed, err := w.e.Replay(w.ctx, "C")
			require.NoError(t, err)
			assert.Equal(t, w.caseOf("C"), replayed, "replay")
		})
	}
}

func TestInstitutions_carerKindIsTheEngines(t *testing.T) {
	forEachStore(t, testInstitutions_carerKindIsTheEngines)
}

func testInstitutions_carerKindIsTheEngines(t *testing.T, st storeKind) {
	w := kindsWorld(t, st)
	w.declareChild("C", "F1", childBorn)
	err := w.refuse("C", "place", org, testDay, workflow.Args{"form": workflow.FormInstitution, "carer": "PI", "carer_kind": "socialising"})
	assertKind(t, badArg, err)
	out := w.must("C", "place", org, testDay, workflow.Args{"form": workflow.FormInstitution, "carer": "PI"})
	assert.Equal(t, workflow.InstitutionIntervention, out.Event.Args["carer_kind"], "the event records the kind")
	assert.Equal(t, workflow.InstitutionIntervention, out.Case.Child.CarerKind)
}

func TestFosterFamily_secondNegativeAssessment(t *testing.T) {
	forEachStore(t, testFosterFamily_secondNegativeAssessment)
}

func testFosterFamily_secondNegativeAssessment(t *testing.T, st storeKind) {
	rows := []struct {
		name    string
		results []string
		open    bool
	}{
		{"one negative", []string{"negative"}, false},
		{"two negatives in a row", []string{"negative", "negative"}, true},
		{"negative, positive, negative", []string{"negative", "positive", "negative"}, false},
		{"positive, negative, negative", []string{"positive", "negative", "negative"}, true},
		{"a positive after two negatives keeps it owed", []string{"negative", "negative", "positive"}, true},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st)
			w.fosterIn("R", "active")
			on := d("2024-06-03")
			var second rules.Date
			for i, res := range r.results {
				w.must("R", "assess", coord, on.String(), workflow.Args{"result": res})
				if second.IsZero() && i > 0 && res == "negative" && r.results[i-1] == "negative" {
					second = on
				}
				on = on.AddMonths(5)
			}
			if !r.open {
				w.notDue("R", workflow.OblPlacementEndMotion)
				return
			}
			assert.Equal(t, second.AddWorkingDays(10), w.due("R", workflow.OblPlacementEndMotion))
			w.must("R", "file_placement_end_motion", org, on.String(), workflow.Args{"court_ref": courtRef})
			w.notDue("R", workflow.OblPlacementEndMotion)
			assert.Equal(t, on, w.caseOf("R").FosterFamily.EndMotionFiled)
		})
	}
}
