package workflow_test

import (
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertDue checks an open obligation's due date and that it is on time on
// that date and overdue from the next, both through StatusOn and through
// Engine.Obligations.
func (w *world) assertDue(id, obligation, want string) {
	w.t.Helper()
	c := w.caseOf(id)
	o, ok := c.Obligation(obligation)
	require.True(w.t, ok, "%s has no open %s: %v", id, obligation, c.Obligations)
	require.Equal(w.t, d(want), o.Due, "%s %s", id, obligation)
	status := func(list []workflow.ObligationStatus) workflow.ObligationStatus {
		for _, s := range list {
			if s.ID == obligation {
				return s
			}
		}
		w.t.Fatalf("%s: no status of %s", id, obligation)
		return workflow.ObligationStatus{}
	}
	on := status(workflow.StatusOn(c, o.Due))
	assert.False(w.t, on.Overdue, "%s is on time on its due date", obligation)
	assert.Zero(w.t, on.DaysLeft)
	assert.Equal(w.t, id, on.Case)
	assert.Equal(w.t, c.Lifecycle, on.Lifecycle)
	after := status(workflow.StatusOn(c, o.Due.AddDays(1)))
	assert.True(w.t, after.Overdue, "%s is overdue the day after", obligation)
	assert.Equal(w.t, -1, after.DaysLeft)
	assert.False(w.t, o.Overdue(o.Due))
	assert.True(w.t, o.Overdue(o.Due.AddDays(1)))

	list, err := w.e.Obligations(w.ctx, id, o.Due.AddDays(1))
	require.NoError(w.t, err)
	assert.True(w.t, status(list).Overdue)
	for i := 1; i < len(list); i++ {
		assert.False(w.t, list[i].Due.Before(list[i-1].Due), "ordered by due date")
	}
}

// fireAll fires steps on one case, all on date on.
func (w *world) fireAll(id, on string, steps ...step) {
	w.t.Helper()
	for _, s := range steps {
		w.must(id, s.trigger, s.who, on, s.args)
	}
}

// Steps of the family lifecycle used below.
var (
	sRefer     = step{"refer", sw, nil}
	sInterview = step{"complete_interview", sw, nil}
	sRequest   = step{"request_assistant", sw, nil}
	sConsent   = step{"give_consent", sw, nil}
	sAssign    = step{"assign_assistant", head, workflow.Args{"assistant": "A1"}}
	sApprove   = step{"approve_plan", asst, nil}
	sPositive  = step{"assess", asst, workflow.Args{"result": "positive"}}
	sGoals     = step{"end_work", asst, workflow.Args{"reason": "goals_achieved"}}
)

func TestObligations_interview(t *testing.T) { forEachStore(t, testObligations_interview) }

func testObligations_interview(t *testing.T, st storeKind) {
	rows := []struct {
		name, on string
		urgent   bool
		due      string
	}{
		{"christmas_2025_with_24_december", "2025-12-15", false, "2026-01-09"},
		{"christmas_2024_without_24_december", "2024-12-16", false, "2025-01-09"},
		{"urgent_christmas_2025", "2025-12-23", true, "2025-12-30"},
		{"urgent_christmas_2024", "2024-12-23", true, "2024-12-27"},
		{"urgent_easter_monday_2025", "2025-04-18", true, "2025-04-23"},
		{"urgent_corpus_christi_2024", "2024-05-29", true, "2024-06-03"},
		{"urgent_1_and_3_may_2024", "2024-04-30", true, "2024-05-06"},
		{"urgent_referred_on_a_saturday", "2024-03-02", true, "2024-03-05"},
		{"leap_february_2024", "2024-02-26", false, "2024-03-15"},
		{"epiphany_2026", "2026-01-02", false, "2026-01-23"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st)
			w.declareFamily("F1")
			out := w.must("F1", "refer", sw, r.on, workflow.Args{"urgent": r.urgent})
			o, ok := out.Case.Obligation(workflow.OblInterview)
			require.True(t, ok)
			assert.Equal(t, d(r.on), o.Opened)
			assert.Equal(t, "due.interview", o.Rule)
			w.assertDue("F1", workflow.OblInterview, r.due)
			w.must("F1", "complete_interview", sw, r.due, nil)
			w.notDue("F1", workflow.OblInterview)
		})
	}
	t.Run("closed_when_a_court_order_skips_the_interview", func(t *testing.T) {
		w := newWorld(t, st)
		w.declareFamily("F1")
		w.must("F1", "refer", sw, "2024-03-01", nil)
		w.must("F1", "court_obligation", head, "2024-03-05", workflow.Args{"court_ref": courtRef})
		w.notDue("F1", workflow.OblInterview)
		w.assertDue("F1", workflow.OblCourtReport, "2024-09-05")
	})
	t.Run("none_for_za_zyciem", func(t *testing.T) {
		w := newWorld(t, st)
		w.declareFamily("F1")
		out := w.must("F1", "apply_za_zyciem", sw, "2024-03-01", workflow.Args{"kind": "pregnancy"})
		assert.Empty(t, out.Case.Obligations)
	})
}

func TestObligations_familyAssessment(t *testing.T) {
	forEachStore(t, testObligations_familyAssessment)
}

func testObligations_familyAssessment(t *testing.T, st storeKind) {
	t.Run("month_end_then_each_assess", func(t *testing.T) {
		w := newWorld(t, st)
		w.declareFamily("F1")
		w.fireAll("F1", "2024-08-01", sRefer, sInterview, sRequest, sConsent)
		w.fireAll("F1", "2024-08-31", sAssign)
		w.assertDue("F1", workflow.OblFamilyAssessment, "2025-02-28")
		w.fireAll("F1", "2024-10-15", sApprove)
		w.assertDue("F1", workflow.OblFamilyAssessment, "2025-02-28")
		w.fireAll("F1", "2025-02-28", sPositive)
		w.assertDue("F1", workflow.OblFamilyAssessment, "2025-08-28")
		w.fireAll("F1", "2025-08-28", step{"assess", asst, workflow.Args{"result": "negative"}})
		w.assertDue("F1", workflow.OblFamilyAssessment, "2026-02-28")
		w.fireAll("F1", "2025-09-01", sGoals)
		w.notDue("F1", workflow.OblFamilyAssessment)
		w.notDue("F1", workflow.OblMonitoringEnd)
	})
	t.Run("leap_year", func(t *testing.T) {
		w := newWorld(t, st)
		w.declareFamily("F1")
		w.fireAll("F1", "2023-08-01", sRefer, sInterview, sRequest, sConsent)
		w.fireAll("F1", "2023-08-31", sAssign)
		w.assertDue("F1", workflow.OblFamilyAssessment, "2024-02-29")
	})
	t.Run("closed_when_consent_is_withdrawn", func(t *testing.T) {
		w := newWorld(t, st)
		w.declareFamily("F1")
		w.fireAll("F1", "2024-08-01", sRefer, sInterview, sRequest, sConsent, sAssign)
		w.fireAll("F1", "2024-09-01", step{"withdraw_consent", sw, nil})
		assert.Empty(t, w.caseOf("F1").Obligations)
	})
	t.Run("runs_on_after_reassignment", func(t *testing.T) {
		w := newWorld(t, st)
		w.declareFamily("F1")
		w.fireAll("F1", "2024-08-31", sRefer, sInterview, sRequest, sConsent, sAssign)
		w.fireAll("F1", "2024-10-01", step{"reassign_assistant", head, workflow.Args{"assistant": "A2"}})
		w.assertDue("F1", workflow.OblFamilyAssessment, "2025-02-28")
	})
}

func TestObligations_familyCourtReport(t *testing.T) {
	forEachStore(t, testObligations_familyCourtReport)
}

func testObligations_familyCourtReport(t *testing.T, st storeKind) {
	t.Run("court_interval_then_each_report", func(t *testing.T) {
		w := newWorld(t, st)
		w.declareFamily("F1")
		w.fireAll("F1", "2024-11-04", sRefer, sInterview)
		w.fireAll("F1", "2024-11-30", step{"court_obligation", head, workflow.Args{"court_ref": courtRef, "report_every_months": 3}})
		w.assertDue("F1", workflow.OblCourtReport, "2025-02-28")
		w.fireAll("F1", "2024-12-02", sAssign)
		w.fireAll("F1", "2025-02-28", step{"report_to_court", asst, nil})
		w.assertDue("F1", workflow.OblCourtReport, "2025-05-28")
		w.fireAll("F1", "2025-03-03", step{"withdraw_consent", sw, nil})
		w.assertDue("F1", workflow.OblCourtReport, "2025-05-28")
		w.fireAll("F1", "2025-05-28", step{"report_to_court", head, nil})
		w.assertDue("F1", workflow.OblCourtReport, "2025-08-28")
		w.fireAll("F1", "2025-06-02", step{"end_work", head, workflow.Args{"reason": "court_decision"}})
		w.notDue("F1", workflow.OblCourtReport)
	})
	t.Run("default_interval", func(t *testing.T) {
		w := newWorld(t, st)
		w.familyIn("F1", "implementing/consent")
		w.fireAll("F1", "2024-08-31", step{"court_obligation", sw, workflow.Args{"court_ref": courtRef}})
		w.assertDue("F1", workflow.OblCourtReport, "2025-02-28")
		w.fireAll("F1", "2025-02-28", step{"report_to_court", asst, nil})
		w.assertDue("F1", workflow.OblCourtReport, "2025-08-28")
	})
	t.Run("a_new_order_restarts_the_period", func(t *testing.T) {
		w := newWorld(t, st)
		w.familyIn("F1", "implementing/court")
		w.fireAll("F1", "2024-05-31", step{"court_obligation", head, workflow.Args{"court_ref": courtRef2, "report_every_months": 2}})
		w.assertDue("F1", workflow.OblCourtReport, "2024-07-31")
	})
}

// placeOn declares child id born on born and places it with the default
// carer of form on date on.
func (w *world) placeOn(id, born, form, on string, extra workflow.Args) {
	w.t.Helper()
	w.declareChild(id, "", born)
	args := placeArgs(form)
	for k, v := range extra {
		args[k] = v
	}
	w.must(id, "place", org, on, args)
}

func TestObligations_childReview(t *testing.T) { forEachStore(t, testObligations_childReview) }

func testObligations_childReview(t *testing.T, st storeKind) {
	t.Run("under_3_then_turning_3_between_reviews", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", "2021-05-10", workflow.FormProfessional, "2023-11-30", nil)
		w.assertDue("C1", workflow.OblChildReview, "2024-02-29")
		w.must("C1", "review", org, "2024-02-29", nil)
		w.assertDue("C1", workflow.OblChildReview, "2024-05-29") // still 2 on the review date
		w.must("C1", "review", org, "2024-05-29", nil)
		w.assertDue("C1", workflow.OblChildReview, "2024-11-29") // 3 since 2024-05-10
		w.must("C1", "review", org, "2024-11-29", nil)
		w.assertDue("C1", workflow.OblChildReview, "2025-05-29")
	})
	for _, r := range []struct{ name, review, due string }{
		{"review_the_day_before_the_3rd_birthday", "2024-05-09", "2024-08-09"},
		{"review_on_the_3rd_birthday", "2024-05-10", "2024-11-10"},
	} {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st)
			w.placeOn("C1", "2021-05-10", workflow.FormKinship, "2024-03-01", nil)
			w.assertDue("C1", workflow.OblChildReview, "2024-06-01")
			w.must("C1", "review", org, r.review, nil)
			w.assertDue("C1", workflow.OblChildReview, r.due)
		})
	}
	t.Run("aged_3_on_placement", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", "2021-08-31", workflow.FormNonProfessional, "2024-08-31", nil)
		w.assertDue("C1", workflow.OblChildReview, "2025-02-28")
	})
	t.Run("institution_over_3", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", childBorn, workflow.FormInstitution, "2024-08-31", nil)
		w.assertDue("C1", workflow.OblChildReview, "2025-02-28")
		w.must("C1", "review", director, "2024-11-30", nil)
		w.assertDue("C1", workflow.OblChildReview, "2025-05-30")
	})
	t.Run("institution_under_3_with_exception", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", "2023-01-01", workflow.FormInstitution, "2024-11-30", workflow.Args{"exception": "health"})
		w.assertDue("C1", workflow.OblChildReview, "2025-02-28")
	})
	t.Run("a_move_keeps_the_review_date", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", childBorn, workflow.FormEmergency, "2024-08-31", nil)
		w.must("C1", "move", org, "2024-10-01", placeArgs(workflow.FormKinship))
		w.assertDue("C1", workflow.OblChildReview, "2025-02-28")
	})
}

func TestObligations_childCourtReport(t *testing.T) {
	forEachStore(t, testObligations_childCourtReport)
}

func testObligations_childCourtReport(t *testing.T, st storeKind) {
	t.Run("family_care_then_each_report", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", childBorn, workflow.FormProfessional, "2024-08-31", nil)
		w.assertDue("C1", workflow.OblCourtReport, "2025-02-28")
		w.must("C1", "report_to_court", org, "2025-02-28", nil)
		w.assertDue("C1", workflow.OblCourtReport, "2025-08-28")
	})
	t.Run("not_in_an_institution", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", childBorn, workflow.FormInstitution, "2024-08-31", nil)
		w.notDue("C1", workflow.OblCourtReport)
		w.must("C1", "report_to_court", org, "2024-10-01", nil)
		w.notDue("C1", workflow.OblCourtReport)
	})
	t.Run("moves_between_institution_and_family_care", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", childBorn, workflow.FormKinship, "2024-08-31", nil)
		w.assertDue("C1", workflow.OblCourtReport, "2025-02-28")
		w.must("C1", "move", org, "2024-09-30", placeArgs(workflow.FormNonProfessional))
		w.assertDue("C1", workflow.OblCourtReport, "2025-02-28") // family care to family care
		w.must("C1", "move", org, "2024-10-31", placeArgs(workflow.FormInstitution))
		w.notDue("C1", workflow.OblCourtReport)
		w.must("C1", "move", org, "2024-11-30", placeArgs(workflow.FormFamilyChildrensHome))
		w.assertDue("C1", workflow.OblCourtReport, "2025-05-30")
	})
}

func TestObligations_legalStatusMotion(t *testing.T) {
	forEachStore(t, testObligations_legalStatusMotion)
}

func testObligations_legalStatusMotion(t *testing.T, st storeKind) {
	t.Run("18_months_kept_over_moves_closed_when_settled", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", childBorn, workflow.FormEmergency, "2023-08-31", nil)
		w.assertDue("C1", workflow.OblLegalStatusMotion, "2025-02-28")
		w.must("C1", "move", org, "2023-10-02", placeArgs(workflow.FormInstitution))
		w.assertDue("C1", workflow.OblLegalStatusMotion, "2025-02-28")
		w.must("C1", "settle_legal_status", org, "2024-06-03", nil)
		w.notDue("C1", workflow.OblLegalStatusMotion)
	})
	t.Run("leap_day", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", childBorn, workflow.FormKinship, "2022-08-31", nil)
		w.assertDue("C1", workflow.OblLegalStatusMotion, "2024-02-29")
	})
	t.Run("reopened_on_a_new_placement", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", childBorn, workflow.FormKinship, "2023-01-31", nil)
		w.must("C1", "propose_return", org, "2023-05-02", nil)
		w.must("C1", "return_home", org, "2023-06-01", workflow.Args{"court_ref": courtRef2})
		assert.Empty(t, w.caseOf("C1").Obligations)
		w.must("C1", "place", org, "2024-01-31", placeArgs(workflow.FormKinship))
		w.assertDue("C1", workflow.OblLegalStatusMotion, "2025-07-31")
	})
	t.Run("not_reopened_once_settled", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", childBorn, workflow.FormKinship, "2023-01-31", nil)
		w.must("C1", "settle_legal_status", org, "2023-03-01", nil)
		w.must("C1", "propose_return", org, "2023-05-02", nil)
		w.must("C1", "return_home", org, "2023-06-01", workflow.Args{"court_ref": courtRef2})
		w.must("C1", "place", org, "2024-01-31", placeArgs(workflow.FormKinship))
		w.notDue("C1", workflow.OblLegalStatusMotion)
	})
}

func TestObligations_emergencyStayEnd(t *testing.T) {
	forEachStore(t, testObligations_emergencyStayEnd)
}

func testObligations_emergencyStayEnd(t *testing.T, st storeKind) {
	t.Run("4_then_8_months_single_extension", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", "2020-01-01", workflow.FormEmergency, "2024-10-31", nil)
		w.assertDue("C1", workflow.OblEmergencyStayEnd, "2025-02-28")
		w.must("C1", "extend_stay", org, "2024-12-16", nil)
		w.assertDue("C1", workflow.OblEmergencyStayEnd, "2025-06-30")
		err := w.refuse("C1", "extend_stay", org, "2025-06-02", nil)
		var de *workflow.DeniedError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, []string{"emergency_family_home.single_extension"}, de.RuleIDs())
		w.assertDue("C1", workflow.OblEmergencyStayEnd, "2025-06-30")
	})
	t.Run("closed_on_moving_out_reopened_on_moving_in", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", "2020-01-01", workflow.FormEmergency, "2024-01-02", nil)
		w.must("C1", "move", org, "2024-02-01", placeArgs(workflow.FormProfessional))
		w.notDue("C1", workflow.OblEmergencyStayEnd)
		w.must("C1", "move", org, "2024-10-31", placeArgs(workflow.FormEmergency))
		w.assertDue("C1", workflow.OblEmergencyStayEnd, "2025-02-28")
	})
	t.Run("none_elsewhere", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", "2020-01-01", workflow.FormProfessional, "2024-01-02", nil)
		w.notDue("C1", workflow.OblEmergencyStayEnd)
	})
}

func TestObligations_fosterFamilyAssessment(t *testing.T) {
	forEachStore(t, testObligations_fosterFamilyAssessment)
}

func testObligations_fosterFamilyAssessment(t *testing.T, st storeKind) {
	t.Run("12_12_36", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", "2020-01-01", workflow.FormProfessional, "2024-02-29", nil)
		w.assertDue(rProf, workflow.OblFosterFamilyAssessment, "2025-02-28")
		pos := workflow.Args{"result": "positive"}
		w.must(rProf, "assess", coord, "2025-02-28", pos)
		w.assertDue(rProf, workflow.OblFosterFamilyAssessment, "2026-02-28")
		w.must(rProf, "assess", org, "2026-02-28", pos)
		w.assertDue(rProf, workflow.OblFosterFamilyAssessment, "2029-02-28")
		w.must(rProf, "assess", coord, "2029-02-28", pos)
		w.assertDue(rProf, workflow.OblFosterFamilyAssessment, "2032-02-28")
		w.must(rProf, "assess", coord, "2031-08-29", workflow.Args{"result": "negative"})
		w.assertDue(rProf, workflow.OblFosterFamilyAssessment, "2032-02-29")
	})
	t.Run("negative_first", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", "2020-01-01", workflow.FormKinship, "2024-01-31", nil)
		w.assertDue(rKinship, workflow.OblFosterFamilyAssessment, "2025-01-31")
		w.must(rKinship, "assess", coord, "2025-01-31", workflow.Args{"result": "negative"})
		w.assertDue(rKinship, workflow.OblFosterFamilyAssessment, "2025-07-31")
		w.must(rKinship, "assess", coord, "2025-07-31", workflow.Args{"result": "positive"})
		w.assertDue(rKinship, workflow.OblFosterFamilyAssessment, "2028-07-31")
	})
	t.Run("kept_while_suspended_closed_when_dissolved", func(t *testing.T) {
		w := newWorld(t, st)
		w.placeOn("C1", "2020-01-01", workflow.FormFamilyChildrensHome, "2024-08-31", nil)
		w.must(rHome, "suspend", org, "2024-10-01", nil)
		w.assertDue(rHome, workflow.OblFosterFamilyAssessment, "2025-08-31")
		w.must(rHome, "dissolve", org, "2024-11-04", nil)
		assert.Empty(t, w.caseOf(rHome).Obligations)
	})
	t.Run("none_before_the_first_child", func(t *testing.T) {
		w := newWorld(t, st)
		w.must(rProf, "assign_coordinator", org, "2024-01-02", workflow.Args{"coordinator": "K1"})
		assert.Empty(t, w.caseOf(rProf).Obligations)
	})
}

// monitoringRules returns the statute with a municipal file setting
// family.post_closure_monitoring to 6 months from 2024-01-01.
func monitoringRules(t *testing.T) *rules.RuleSet {
	t.Helper()
	cfg, err := rules.ParseConfig("gmina.yaml", []byte(`name: Gmina Testowa
parameters:
  family.post_closure_monitoring:
    - {value: 6, from: 2024-01-01}
`))
	require.NoError(t, err)
	rs, err := rules.New(cfg)
	require.NoError(t, err)
	return rs
}

func TestObligations_monitoringEnd(t *testing.T) { forEachStore(t, testObligations_monitoringEnd) }

func testObligations_monitoringEnd(t *testing.T, st storeKind) {
	work := func(w *world) {
		w.declareFamily("F1")
		w.fireAll("F1", "2023-06-01", sRefer, sInterview, sRequest, sConsent, sAssign)
	}
	t.Run("none_by_default", func(t *testing.T) {
		w := newWorld(t, st)
		work(w)
		w.fireAll("F1", "2024-08-31", sGoals)
		assert.Equal(t, workflow.Monitoring, w.caseOf("F1").State)
		assert.Empty(t, w.caseOf("F1").Obligations, "0 months: until end_monitoring")
	})
	t.Run("months_from_a_rules_file", func(t *testing.T) {
		w := newWorld(t, st, workflow.WithRules(monitoringRules(t)))
		work(w)
		w.fireAll("F1", "2024-08-31", sGoals)
		w.assertDue("F1", workflow.OblMonitoringEnd, "2025-02-28")
		w.fireAll("F1", "2025-02-28", step{"end_monitoring", asst, nil})
		assert.Empty(t, w.caseOf("F1").Obligations)
	})
	t.Run("not_before_the_file_applies", func(t *testing.T) {
		w := newWorld(t, st, workflow.WithRules(monitoringRules(t)))
		work(w)
		w.fireAll("F1", "2023-12-29", sGoals)
		w.notDue("F1", workflow.OblMonitoringEnd)
	})
	t.Run("not_when_work_ends_otherwise", func(t *testing.T) {
		w := newWorld(t, st, workflow.WithRules(monitoringRules(t)))
		work(w)
		w.fireAll("F1", "2024-08-31", step{"end_work", asst, workflow.Args{"reason": "moved_away"}})
		assert.Equal(t, workflow.Closed, w.caseOf("F1").State)
		assert.Empty(t, w.caseOf("F1").Obligations)
	})
	t.Run("closed_on_reopen", func(t *testing.T) {
		w := newWorld(t, st, workflow.WithRules(monitoringRules(t)))
		work(w)
		w.fireAll("F1", "2024-08-31", sGoals)
		w.fireAll("F1", "2024-10-01", step{"reopen", sw, nil})
		assert.Empty(t, w.caseOf("F1").Obligations)
	})
}

// TestObligations_lifecycleEnds checks which states close every
// obligation and which keep a child's open.
func TestObligations_lifecycleEnds(t *testing.T) { forEachStore(t, testObligations_lifecycleEnds) }

func testObligations_lifecycleEnds(t *testing.T, st storeKind) {
	for _, r := range []struct {
		name  string
		reach func(w *world)
		id    string
		open  []string
	}{
		{"family/closed", func(w *world) { w.familyIn("X", "closed") }, "X", nil},
		{"family/court_order_before_work", func(w *world) {
			w.familyIn("X", "referred")
			w.must("X", "court_obligation", head, "2024-02-01", workflow.Args{"court_ref": courtRef})
			w.must("X", "court_obligation", head, "2024-02-02", workflow.Args{"court_ref": courtRef2})
		}, "X", []string{workflow.OblCourtReport}},
		{"family/declined_after_refusal", func(w *world) { w.familyIn("X", "declined") }, "X", nil},
		// propose_return discharges legal_status_motion (docs/legal.md,
		// "Decided readings"); return_refused reopens it.
		{"child/reunification", func(w *world) { w.childIn("X", "reunification") }, "X",
			[]string{workflow.OblChildReview, workflow.OblCourtReport}},
		{"child/adoption_referred", func(w *world) { w.childIn("X", "adoption_referred") }, "X",
			[]string{workflow.OblChildReview, workflow.OblCourtReport}},
		{"child/returned", func(w *world) { w.childIn("X", "returned") }, "X", nil},
		{"child/adopted", func(w *world) { w.childIn("X", "adopted") }, "X", nil},
		{"child/left_care", func(w *world) { w.childIn("X", "left_care") }, "X", nil},
		{"foster_family/dissolved", func(w *world) { w.fosterIn("X", "dissolved") }, "X", nil},
		{"foster_family/suspended", func(w *world) { w.fosterIn("X", "suspended") }, "X", []string{workflow.OblFosterFamilyAssessment}},
	} {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st)
			r.reach(w)
			var ids []string
			for _, o := range w.caseOf(r.id).Obligations {
				ids = append(ids, o.ID)
			}
			assert.ElementsMatch(t, r.open, ids)
		})
	}
}
