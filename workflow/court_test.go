package workflow_test

import (
	"testing"

	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCourt_opinion(t *testing.T) { forEachStore(t, testCourt_opinion) }

func testCourt_opinion(t *testing.T, st storeKind) {
	rows := []struct {
		name     string
		path     string
		who      workflow.Actor
		deadline string
		kind     errKind
	}{
		{"the assistant records the request", "implementing/court", asst, "2024-03-29", allowed},
		{"the head records it", "implementing/consent", head, "2024-03-29", allowed},
		{"during monitoring", "monitoring", head, "2024-03-29", allowed},
		{"another assistant", "implementing/court", asst2, "2024-03-29", forbidden},
		{"the social worker", "implementing/court", sw, "2024-03-29", forbidden},
		{"before the work", "assistant_requested/court", head, "2024-03-29", invalid},
		{"a deadline before the request", "implementing/court", asst, "2024-02-29", badArg},
		{"no date", "implementing/court", asst, "", badArg},
		{"not a date", "implementing/court", asst, "2024-02-30", badArg},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st)
			w.familyIn("F", r.path)
			args := workflow.Args{"court_ref": courtRef}
			if r.deadline != "" {
				args["deadline"] = r.deadline
			}
			_, err := w.fire("F", "court_opinion_requested", r.who, testDay, args)
			assertKind(t, r.kind, err)
			if r.kind != allowed {
				w.notDue("F", workflow.OblCourtOpinion)
				return
			}
			w.assertDue("F", workflow.OblCourtOpinion, r.deadline)
			w.must("F", "submit_court_opinion", r.who, "2024-03-20", nil)
			w.notDue("F", workflow.OblCourtOpinion)
		})
	}
}

func TestCourt_nonCooperationInTheNextReport(t *testing.T) {
	forEachStore(t, testCourt_nonCooperationInTheNextReport)
}

func testCourt_nonCooperationInTheNextReport(t *testing.T, st storeKind) {
	warned := func(out *workflow.Outcome) bool {
		for _, r := range out.Decision.Warnings() {
			if r.Rule == "court_report.non_cooperation" {
				return true
			}
		}
		return false
	}
	w := newWorld(t, st)
	w.familyIn("F", "implementing/court")
	assert.False(t, warned(w.must("F", "report_to_court", asst, "2024-02-01", nil)), "nothing to report")
	w.must("F", "withdraw_consent", sw, "2024-02-10", nil)
	w.must("F", "withdraw_consent", asst, "2024-02-20", nil)
	assert.Equal(t, 2, w.caseOf("F").Family.UnreportedNonCooperation)
	assert.True(t, warned(w.must("F", "report_to_court", asst, "2024-03-01", nil)), "the next report includes it")
	assert.False(t, warned(w.must("F", "report_to_court", asst, "2024-04-01", nil)), "already reported")
	assert.Equal(t, 2, w.caseOf("F").Family.NonCooperation, "the total stays")
}

func TestCourt_notification(t *testing.T) { forEachStore(t, testCourt_notification) }

func testCourt_notification(t *testing.T, st storeKind) {
	rows := []struct {
		name  string
		args  workflow.Args
		owed  bool
		notif workflow.Actor
		kind  errKind
	}{
		{"emergency home without a court order", workflow.Args{"form": workflow.FormEmergency, "carer": rEmerg}, true, org, allowed},
		{"emergency home on the court's order", workflow.Args{"form": workflow.FormEmergency, "carer": rEmerg, "court_ref": courtRef}, false, org, allowed},
		{"intervention institution without a court order", workflow.Args{"form": workflow.FormInstitution, "carer": "PI"}, true, workflow.Actor{ID: "DI", Role: workflow.InstitutionDirector}, allowed},
		{"another director may not notify", workflow.Args{"form": workflow.FormInstitution, "carer": "PI"}, true, director, forbidden},
		{"socialising institution without a court order", workflow.Args{"form": workflow.FormInstitution, "carer": inst}, false, org, allowed},
		{"professional family without a court order", workflow.Args{"form": workflow.FormProfessional, "carer": rProf}, false, org, allowed},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st)
			require.NoError(t, w.dir.AddInstitution(workflow.Institution{ID: "PI", Kind: workflow.InstitutionIntervention}))
			require.NoError(t, w.dir.AddWorker(workflow.Worker{ID: "DI", Role: workflow.InstitutionDirector, Employer: "PI"}))
			w.declareFamily("F1")
			w.declareChild("C", "F1", childBorn)
			w.must("C", "place", org, testDay, r.args)
			if !r.owed {
				w.notDue("C", workflow.OblCourtNotification)
				return
			}
			w.assertDue("C", workflow.OblCourtNotification, "2024-03-02")
			_, err := w.fire("C", "notify_court", r.notif, "2024-03-02", workflow.Args{"court_ref": courtRef})
			assertKind(t, r.kind, err)
			if r.kind == allowed {
				w.notDue("C", workflow.OblCourtNotification)
				assert.Equal(t, d("2024-03-02"), w.caseOf("C").Child.CourtNotified)
			}
		})
	}
}
