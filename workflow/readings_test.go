package workflow_test

import (
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The decided readings of docs/legal.md ("Decided readings"), one table per
// reading.

// emergencyArgs places a child with an emergency family home.
func emergencyArgs(carer string) workflow.Args {
	return workflow.Args{"form": workflow.FormEmergency, "carer": carer}
}

func TestReadings_oneEmergencyStay(t *testing.T) { forEachStore(t, testReadings_oneEmergencyStay) }

func testReadings_oneEmergencyStay(t *testing.T, st storeKind) {
	type act struct {
		on, trigger string
		args        workflow.Args
		kind        errKind
		due         string // emergency_stay_end after the step; "" = not open
	}
	rows := []struct {
		name  string
		steps []act
	}{
		{"a move between emergency homes keeps the end date and the single extension", []act{
			{"2024-01-10", "place", emergencyArgs(rEmerg), allowed, "2024-05-10"},
			{"2024-03-01", "move", emergencyArgs("RE2"), allowed, "2024-05-10"},
			{"2024-05-06", "extend_stay", nil, allowed, "2024-09-10"},
			{"2024-06-03", "move", emergencyArgs(rEmerg), allowed, "2024-09-10"},
			{"2024-06-04", "extend_stay", nil, denied, "2024-09-10"},
		}},
		{"leaving emergency care ends the stay; a new admission starts a new one", []act{
			{"2024-01-10", "place", emergencyArgs(rEmerg), allowed, "2024-05-10"},
			{"2024-02-01", "extend_stay", nil, allowed, "2024-09-10"},
			{"2024-03-01", "move", workflow.Args{"form": workflow.FormProfessional, "carer": rProf}, allowed, ""},
			{"2024-04-02", "move", emergencyArgs("RE2"), allowed, "2024-08-02"},
			{"2024-04-03", "extend_stay", nil, allowed, "2024-12-02"},
		}},
		{"until the court proceedings end: no end date, still one extension", []act{
			{"2024-01-10", "place", emergencyArgs(rEmerg), allowed, "2024-05-10"},
			{"2024-05-06", "extend_stay", workflow.Args{"until_proceedings_end": true}, allowed, ""},
			{"2024-06-03", "move", emergencyArgs("RE2"), allowed, ""},
			{"2024-06-04", "extend_stay", nil, denied, ""},
			{"2024-06-05", "extend_stay", workflow.Args{"until_proceedings_end": true}, denied, ""},
		}},
		{"a refused return continues the stay", []act{
			{"2024-01-10", "place", emergencyArgs(rEmerg), allowed, "2024-05-10"},
			{"2024-02-01", "propose_return", nil, allowed, "2024-05-10"},
			{"2024-03-01", "return_refused", nil, allowed, "2024-05-10"},
			{"2024-03-02", "extend_stay", nil, allowed, "2024-09-10"},
		}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st)
			w.declareFoster("RE2", workflow.FormEmergency)
			w.declareFamily("F1")
			w.declareChild("C", "F1", "2020-02-02")
			for _, s := range r.steps {
				_, err := w.fire("C", s.trigger, org, s.on, s.args)
				assertKind(t, s.kind, err)
				if s.kind == denied {
					var de *workflow.DeniedError
					require.ErrorAs(t, err, &de)
					require.Len(t, de.Decision.Unmet(), 1)
					assert.Equal(t, "emergency_family_home.single_extension", de.Decision.Unmet()[0].Rule)
				}
				if s.due == "" {
					w.notDue("C", workflow.OblEmergencyStayEnd)
				} else {
					assert.Equal(t, d(s.due), w.due("C", workflow.OblEmergencyStayEnd), "%s %s", s.trigger, s.on)
				}
			}
			got, err := w.e.Replay(w.ctx, "C")
			require.NoError(t, err)
			assert.Equal(t, w.caseOf("C").Obligations, got.Obligations, "replay")
		})
	}
}

func TestReadings_legalStatusMotion(t *testing.T) { forEachStore(t, testReadings_legalStatusMotion) }

func testReadings_legalStatusMotion(t *testing.T, st storeKind) {
	placed := step{"place", org, placeArgs(workflow.FormProfessional)}
	rows := []struct {
		name  string
		steps []step
		open  bool
	}{
		{"open after the placement", []step{placed}, true},
		{"discharged by the motion", []step{placed, {"file_legal_status_motion", org, nil}}, false},
		{"discharged by the motion with the court's signature", []step{placed, {"file_legal_status_motion", org, workflow.Args{"court_ref": courtRef2}}}, false},
		{"discharged while the court decides on a return", []step{placed, {"propose_return", org, nil}}, false},
		{"reopened when the return is refused", []step{placed, {"propose_return", org, nil}, {"return_refused", org, nil}}, true},
		{"a refused return after the motion reopens nothing", []step{placed, {"file_legal_status_motion", org, nil}, {"propose_return", org, nil}, {"return_refused", org, nil}}, false},
		{"closed by settling the status", []step{placed, {"settle_legal_status", org, nil}}, false},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st)
			w.declareFamily("F1")
			w.declareChild("C", "F1", childBorn)
			w.run("C", r.steps)
			if !r.open {
				w.notDue("C", workflow.OblLegalStatusMotion)
				return
			}
			o, ok := w.caseOf("C").Obligation(workflow.OblLegalStatusMotion)
			require.True(t, ok)
			// Its original dates: opened by the placement on pathStart.
			assert.Equal(t, d(pathStart), o.Opened)
			assert.Equal(t, d(pathStart).AddMonths(18), o.Due)
			assert.Equal(t, "due.legal_status_motion", o.Rule)
		})
	}
}

func TestReadings_directorOwnInstitution(t *testing.T) {
	forEachStore(t, testReadings_directorOwnInstitution)
}

func testReadings_directorOwnInstitution(t *testing.T, st storeKind) {
	rows := []struct {
		name, carer, trigger string
		director             workflow.Actor
		kind                 errKind
	}{
		{"review of a child in their institution", inst, "review", director, allowed},
		{"review of a child in another institution", inst2, "review", director, forbidden},
		{"motion for a child in their institution", inst, "file_legal_status_motion", director, allowed},
		{"motion for a child in another institution", inst2, "file_legal_status_motion", director, forbidden},
		{"adoption referral of a child in another institution", inst2, "refer_for_adoption", director, forbidden},
		{"review of a child in a foster family", rProf, "review", director, forbidden},
		{"a director with no employer recorded", inst, "review", workflow.Actor{ID: "D9", Role: workflow.InstitutionDirector}, forbidden},
		{"the organiser is not so restricted", inst2, "file_legal_status_motion", org, allowed},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st)
			require.NoError(t, w.dir.AddWorker(workflow.Worker{ID: "D9", Role: workflow.InstitutionDirector}))
			w.declareFamily("F1")
			w.declareChild("C", "F1", childBorn)
			form := workflow.FormInstitution
			if r.carer == rProf {
				form = workflow.FormProfessional
			}
			w.must("C", "place", org, pathStart, workflow.Args{"form": form, "carer": r.carer})
			w.must("C", "settle_legal_status", org, "2024-02-01", nil)
			if r.kind == allowed {
				w.must("C", r.trigger, r.director, testDay, nil)
				return
			}
			err := w.refuse("C", r.trigger, r.director, testDay, nil)
			assertKind(t, forbidden, err)
			assert.Contains(t, workflow.Localize(err, rules.Polish), "placów")
			// Check answers as Fire would.
			_, err = w.e.Check(w.ctx, "C", workflow.Command{Trigger: r.trigger, Actor: r.director, On: d(testDay)})
			assertKind(t, forbidden, err)
		})
	}
}

func TestReadings_zaZyciemUnderCourtOrder(t *testing.T) {
	forEachStore(t, testReadings_zaZyciemUnderCourtOrder)
}

func testReadings_zaZyciemUnderCourtOrder(t *testing.T, st storeKind) {
	cfg, err := rules.ParseConfig("skawina.yaml", []byte("name: Skawina\nparameters:\n  assistant.count_za_zyciem_in_cap: false\n"))
	require.NoError(t, err)
	rs, err := rules.New(cfg)
	require.NoError(t, err)
	off := workflow.WithRules(rs)
	rows := []struct {
		name  string
		court bool
		load  int
	}{
		{"a 'Za życiem' family is left out when the gmina says so", false, 0},
		{"under a court order it counts like any family", true, 1},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st, off)
			w.familyIn("Z", "implementing/za_zyciem")
			if r.court {
				w.must("Z", "court_obligation", head, testDay, workflow.Args{"court_ref": courtRef})
			}
			assert.Equal(t, r.court, !w.caseOf("Z").Family.ZaZyciem())
			l, err := w.e.Load(w.ctx, "A1", d(testDay))
			require.NoError(t, err)
			assert.Equal(t, r.load, l.Count())
		})
	}
}
