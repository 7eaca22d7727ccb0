package workflow_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The "who" column of docs/workflow.md's lifecycle tables, written out independently of
// the engine's tables, with the engine's additions (qualify,
// reassign_assistant) as docs/workflow.md documents them.
var contractRoles = map[rules.Lifecycle]map[string][]workflow.Role{
	rules.LifecycleFamily: {
		"refer":              {workflow.SocialWorker},
		"complete_interview": {workflow.SocialWorker},
		"request_assistant":  {workflow.SocialWorker},
		"apply_za_zyciem":    {workflow.SocialWorker},
		"give_consent":       {workflow.SocialWorker},
		"refuse_consent":     {workflow.SocialWorker},
		"court_obligation":   {workflow.SocialWorker, workflow.OPSHead},
		"report_to_court":    {workflow.FamilyAssistant, workflow.OPSHead},
		"assign_assistant":   {workflow.OPSHead},
		"reassign_assistant": {workflow.OPSHead},
		"approve_plan":       {workflow.FamilyAssistant},
		"assess":             {workflow.FamilyAssistant},
		"withdraw_consent":   {workflow.SocialWorker, workflow.FamilyAssistant},
		"end_work":           {workflow.FamilyAssistant, workflow.OPSHead},
		"end_monitoring":     {workflow.FamilyAssistant, workflow.SocialWorker},
		"reopen":             {workflow.SocialWorker},
	},
	rules.LifecycleChild: {
		"place":               {workflow.FosterCareOrganizer},
		"move":                {workflow.FosterCareOrganizer},
		"review":              {workflow.FosterCareOrganizer, workflow.InstitutionDirector},
		"report_to_court":     {workflow.FosterCareOrganizer},
		"extend_stay":         {workflow.FosterCareOrganizer},
		"propose_return":      {workflow.FosterCareOrganizer},
		"return_home":         {workflow.FosterCareOrganizer},
		"return_refused":      {workflow.FosterCareOrganizer},
		"settle_legal_status": {workflow.FosterCareOrganizer},
		"refer_for_adoption":  {workflow.FosterCareCoordinator, workflow.FosterCareOrganizer, workflow.InstitutionDirector},
		"adopt":               {workflow.FosterCareOrganizer},
		"leave_care":          {workflow.FosterCareOrganizer},
	},
	rules.LifecycleFosterFamily: {
		"qualify":            {workflow.FosterCareOrganizer},
		"assign_coordinator": {workflow.FosterCareOrganizer},
		"assess":             {workflow.FosterCareCoordinator, workflow.FosterCareOrganizer},
		"suspend":            {workflow.FosterCareOrganizer},
		"resume":             {workflow.FosterCareOrganizer},
		"dissolve":           {workflow.FosterCareOrganizer},
	},
}

// matrix is every trigger of a lifecycle fired in every state (and basis)
// with an allowed role and good arguments: the contract's transitions are
// allowed, with the listed destination, and everything else is invalid.
type matrix struct {
	setups   []string
	triggers []string
	// allowed maps setup → trigger → destination; "denied" marks a
	// permitted transition a statutory rule refuses with the defaults.
	allowed  map[string]map[string]workflow.State
	defaults map[string]step
	reach    func(w *world, id, setup string)
}

func (m matrix) run(t *testing.T, st storeKind) {
	for _, setup := range m.setups {
		for _, trig := range m.triggers {
			want, isAllowed := m.allowed[setup][trig]
			name := setup + "/" + trig + "/"
			switch {
			case want == "denied":
				name += "denied"
			case isAllowed:
				name += "to_" + string(want)
			default:
				name += "invalid"
			}
			t.Run(name, func(t *testing.T) {
				w := newWorld(t, st)
				m.reach(w, "X", setup)
				def := m.defaults[trig]
				before := w.caseOf("X")
				if !isAllowed || want == "denied" {
					err := w.refuse("X", trig, def.who, testDay, def.args)
					if want == "denied" {
						assertKind(t, denied, err)
						return
					}
					assertKind(t, invalid, err)
					var te *workflow.TransitionError
					require.ErrorAs(t, err, &te)
					assert.Equal(t, before.State, te.State)
					assert.Equal(t, trig, te.Trigger)
					assert.Equal(t, "X", te.Case)
					assert.Equal(t, before.Lifecycle, te.Lifecycle)
					return
				}
				out := w.must("X", trig, def.who, testDay, def.args)
				assertTransition(t, w, before, out, trig, def, want)
			})
		}
	}
}

// assertTransition checks an accepted transition: the outcome, the stored
// case, and the event appended.
func assertTransition(t *testing.T, w *world, before *workflow.Case, out *workflow.Outcome, trig string, s step, want workflow.State) {
	t.Helper()
	assert.Equal(t, want, out.Case.State)
	after := w.caseOf(before.ID)
	assert.Equal(t, want, after.State)
	assert.Equal(t, before.Version+1, after.Version)
	w.assertSameCase(t, after, out.Case)
	evs := w.history(before.ID)
	require.Len(t, evs, int(after.Version))
	ev := evs[len(evs)-1]
	assert.Equal(t, out.Event.Seq, ev.Seq)
	assert.Equal(t, after.Version, ev.Seq)
	assert.Equal(t, before.State, ev.From)
	assert.Equal(t, want, ev.To)
	assert.Equal(t, trig, ev.Trigger)
	assert.Equal(t, s.who, ev.Actor)
	assert.Equal(t, d(testDay), ev.On)
	assert.Equal(t, before.ID, ev.Case)
	assert.Equal(t, before.Lifecycle, ev.Lifecycle)
	assert.Equal(t, w.e.RuleSet().Revision(), ev.Revision)
	require.NotNil(t, ev.Decision)
	assert.True(t, ev.Decision.Allowed)
	assert.Equal(t, out.Decision, *ev.Decision)
	for k, v := range s.args {
		assert.Equal(t, v, ev.Args[k], "event argument %s", k)
	}
}

var familyMatrix = matrix{
	setups: []string{"declared", "referred", "analysis", "assistant_requested", "assistant_requested/consent",
		"assistant_requested/court", "planning/consent", "planning/court", "implementing/consent", "implementing/court",
		"implementing/za_zyciem", "implementing/mandatory", "declined", "monitoring", "closed"},
	triggers: []string{"refer", "complete_interview", "request_assistant", "apply_za_zyciem", "give_consent",
		"refuse_consent", "court_obligation", "report_to_court", "assign_assistant", "reassign_assistant", "approve_plan", "assess",
		"withdraw_consent", "end_work", "end_monitoring", "reopen"},
	allowed: map[string]map[string]workflow.State{
		"declared": {"refer": workflow.Referred, "apply_za_zyciem": workflow.AssistantRequested},
		"referred": {"complete_interview": workflow.Analysis, "court_obligation": workflow.AssistantRequested},
		"analysis": {"request_assistant": workflow.AssistantRequested, "court_obligation": workflow.AssistantRequested},
		"assistant_requested": {"give_consent": workflow.AssistantRequested, "refuse_consent": workflow.Declined,
			"court_obligation": workflow.AssistantRequested, "assign_assistant": "denied"},
		"assistant_requested/consent": {"give_consent": workflow.AssistantRequested, "refuse_consent": workflow.Declined,
			"court_obligation": workflow.AssistantRequested, "assign_assistant": workflow.AssistantPlanning},
		"assistant_requested/court": {"give_consent": workflow.AssistantRequested,
			"court_obligation": workflow.AssistantRequested, "assign_assistant": workflow.AssistantPlanning},
		"planning/consent": {"reassign_assistant": workflow.AssistantPlanning, "court_obligation": workflow.AssistantPlanning, "approve_plan": workflow.AssistantImplementing,
			"assess": workflow.AssistantPlanning, "withdraw_consent": workflow.Closed, "end_work": workflow.Monitoring},
		"planning/court": {"reassign_assistant": workflow.AssistantPlanning, "court_obligation": workflow.AssistantPlanning, "report_to_court": workflow.AssistantPlanning,
			"approve_plan": workflow.AssistantImplementing, "assess": workflow.AssistantPlanning,
			"withdraw_consent": workflow.AssistantPlanning, "end_work": workflow.Monitoring},
		"implementing/consent": {"reassign_assistant": workflow.AssistantImplementing, "court_obligation": workflow.AssistantImplementing, "assess": workflow.AssistantImplementing,
			"withdraw_consent": workflow.Closed, "end_work": workflow.Monitoring},
		"implementing/court": {"reassign_assistant": workflow.AssistantImplementing, "court_obligation": workflow.AssistantImplementing, "report_to_court": workflow.AssistantImplementing,
			"assess": workflow.AssistantImplementing, "withdraw_consent": workflow.AssistantImplementing, "end_work": workflow.Monitoring},
		"implementing/za_zyciem": {"reassign_assistant": workflow.AssistantImplementing, "court_obligation": workflow.AssistantImplementing, "assess": workflow.AssistantImplementing,
			"withdraw_consent": workflow.Closed, "end_work": workflow.Monitoring},
		"implementing/mandatory": {"reassign_assistant": workflow.AssistantImplementing, "court_obligation": workflow.AssistantImplementing, "assess": workflow.AssistantImplementing,
			"withdraw_consent": workflow.Closed, "end_work": workflow.Monitoring},
		"declined":   {"court_obligation": workflow.AssistantRequested, "reopen": workflow.AssistantRequested},
		"monitoring": {"end_monitoring": workflow.Closed, "reopen": workflow.AssistantRequested},
		"closed":     {"reopen": workflow.AssistantRequested},
	},
	defaults: map[string]step{
		"refer":              {"refer", sw, nil},
		"complete_interview": {"complete_interview", sw, nil},
		"request_assistant":  {"request_assistant", sw, nil},
		"apply_za_zyciem":    {"apply_za_zyciem", sw, workflow.Args{"kind": "pregnancy"}},
		"give_consent":       {"give_consent", sw, nil},
		"refuse_consent":     {"refuse_consent", sw, nil},
		"court_obligation":   {"court_obligation", head, workflow.Args{"court_ref": courtRef2, "report_every_months": 3}},
		"report_to_court":    {"report_to_court", asst, nil},
		"assign_assistant":   {"assign_assistant", head, workflow.Args{"assistant": "A1"}},
		"reassign_assistant": {"reassign_assistant", head, workflow.Args{"assistant": "A2"}},
		"approve_plan":       {"approve_plan", asst, nil},
		"assess":             {"assess", asst, workflow.Args{"result": "positive"}},
		"withdraw_consent":   {"withdraw_consent", sw, nil},
		"end_work":           {"end_work", asst, workflow.Args{"reason": "goals_achieved"}},
		"end_monitoring":     {"end_monitoring", asst, nil},
		"reopen":             {"reopen", sw, nil},
	},
	reach: func(w *world, id, setup string) { w.familyIn(id, setup) },
}

// TestEngine_Fire_family fires every family trigger in every family state.
func TestEngine_Fire_family(t *testing.T) { forEachStore(t, familyMatrix.run) }

var childMatrix = func() matrix {
	m := matrix{
		setups: []string{"in_family"},
		triggers: []string{"place", "move", "review", "report_to_court", "extend_stay", "propose_return", "return_home",
			"return_refused", "settle_legal_status", "refer_for_adoption", "adopt", "leave_care"},
		allowed: map[string]map[string]workflow.State{
			"in_family": {"place": workflow.PlacedProfessional},
			// A child awaiting the court or referred for adoption still
			// lives with its carer: its reviews and reports go on.
			"reunification": {"return_home": workflow.Returned, "return_refused": workflow.PlacedProfessional,
				"review": workflow.Reunification, "report_to_court": workflow.Reunification},
			"returned": {"place": workflow.PlacedProfessional},
			"adoption_referred": {"adopt": workflow.Adopted, "review": workflow.AdoptionReferred,
				"report_to_court": workflow.AdoptionReferred},
		},
		defaults: map[string]step{
			"place":               {"place", org, workflow.Args{"form": workflow.FormProfessional, "carer": rProf2, "court_ref": courtRef2}},
			"move":                {"move", org, workflow.Args{"form": workflow.FormProfessional, "carer": rProf2}},
			"review":              {"review", org, nil},
			"report_to_court":     {"report_to_court", org, nil},
			"extend_stay":         {"extend_stay", org, nil},
			"propose_return":      {"propose_return", org, nil},
			"return_home":         {"return_home", org, workflow.Args{"court_ref": courtRef2}},
			"return_refused":      {"return_refused", org, nil},
			"settle_legal_status": {"settle_legal_status", org, nil},
			"refer_for_adoption":  {"refer_for_adoption", org, nil},
			"adopt":               {"adopt", org, workflow.Args{"court_ref": courtRef2}},
			"leave_care":          {"leave_care", org, nil},
		},
		reach: func(w *world, id, setup string) { w.childIn(id, setup) },
	}
	for _, f := range forms {
		s := "placed." + f
		m.setups = append(m.setups, s)
		m.allowed[s] = map[string]workflow.State{
			"move": workflow.PlacedProfessional, "review": workflow.State(s), "report_to_court": workflow.State(s),
			"propose_return": workflow.Reunification, "settle_legal_status": workflow.State(s),
			"refer_for_adoption": "denied", "leave_care": workflow.LeftCare,
		}
		if f == workflow.FormEmergency {
			m.allowed[s]["extend_stay"] = workflow.State(s)
		}
	}
	m.setups = append(m.setups, "reunification", "returned", "adoption_referred", "adopted", "left_care")
	return m
}()

// TestEngine_Fire_child fires every child trigger in every child state.
func TestEngine_Fire_child(t *testing.T) { forEachStore(t, childMatrix.run) }

var fosterMatrix = matrix{
	setups:   []string{"candidate", "qualified", "active", "suspended", "dissolved"},
	triggers: []string{"qualify", "assign_coordinator", "activate", "assess", "suspend", "resume", "dissolve"},
	allowed: map[string]map[string]workflow.State{
		"candidate": {"qualify": workflow.Qualified},
		"qualified": {"assign_coordinator": workflow.Qualified},
		"active": {"assign_coordinator": workflow.Active, "assess": workflow.Active, "suspend": workflow.Suspended,
			"dissolve": workflow.Dissolved},
		"suspended": {"resume": workflow.Active, "dissolve": workflow.Dissolved},
	},
	defaults: map[string]step{
		"qualify":            {"qualify", org, nil},
		"assign_coordinator": {"assign_coordinator", org, workflow.Args{"coordinator": "K1"}},
		"activate":           {"activate", org, nil},
		"assess":             {"assess", coord, workflow.Args{"result": "positive"}},
		"suspend":            {"suspend", org, nil},
		"resume":             {"resume", org, nil},
		"dissolve":           {"dissolve", org, nil},
	},
	reach: func(w *world, id, setup string) { w.fosterIn(id, setup) },
}

// TestEngine_Fire_fosterFamily fires every foster_family trigger in every
// state; activate, the engine's own trigger, is never a user's.
func TestEngine_Fire_fosterFamily(t *testing.T) { forEachStore(t, fosterMatrix.run) }

// allowedRow is an accepted transition beyond the matrices' defaults:
// dynamic destinations, other allowed roles, arguments and the facts they
// record.
type allowedRow struct {
	name  string
	setup string
	step
	want  workflow.State
	check func(t *testing.T, c *workflow.Case)
}

func runAllowed(t *testing.T, st storeKind, reach func(w *world, id, setup string), rows []allowedRow) {
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st)
			reach(w, "X", r.setup)
			before := w.caseOf("X")
			out := w.must("X", r.trigger, r.who, testDay, r.args)
			assertTransition(t, w, before, out, r.trigger, r.step, r.want)
			if r.check != nil {
				r.check(t, w.caseOf("X"))
			}
		})
	}
}

func TestEngine_Fire_family_allowed(t *testing.T) { forEachStore(t, testEngine_Fire_family_allowed) }

func testEngine_Fire_family_allowed(t *testing.T, st storeKind) {
	var rows []allowedRow
	for _, reason := range []string{"goals_achieved", "no_cooperation", "moved_away", "child_placed_permanently", "court_decision", "other"} {
		want := workflow.Closed
		if reason == "goals_achieved" {
			want = workflow.Monitoring
		}
		rows = append(rows, allowedRow{name: "end_work/" + reason, setup: "implementing/consent",
			step: step{"end_work", asst, workflow.Args{"reason": reason}}, want: want,
			check: func(t *testing.T, c *workflow.Case) {
				assert.Equal(t, reason, c.Family.EndReason)
				assert.Empty(t, c.Obligations, "family_assessment closes when work ends")
			}})
	}
	court := func(basis workflow.Basis) func(t *testing.T, c *workflow.Case) {
		return func(t *testing.T, c *workflow.Case) {
			assert.Equal(t, basis, c.Family.Basis)
			assert.Equal(t, courtRef2, c.Family.CourtRef)
			assert.Equal(t, 3, c.Family.ReportEveryMonths)
		}
	}
	for setup, want := range map[string]workflow.State{
		"referred": workflow.AssistantRequested, "analysis": workflow.AssistantRequested, "declined": workflow.AssistantRequested,
		"assistant_requested": workflow.AssistantRequested, "assistant_requested/consent": workflow.AssistantRequested,
		"planning/consent": workflow.AssistantPlanning, "implementing/consent": workflow.AssistantImplementing,
		"implementing/za_zyciem": workflow.AssistantImplementing, "implementing/mandatory": workflow.AssistantImplementing,
	} {
		for _, who := range []workflow.Actor{sw, head} {
			rows = append(rows, allowedRow{name: "court_obligation/" + setup + "/" + string(who.Role), setup: setup,
				step: step{"court_obligation", who, workflow.Args{"court_ref": courtRef2, "report_every_months": 3}},
				want: want, check: court(workflow.BasisCourt)})
		}
	}
	closedBy := func(reason string) func(t *testing.T, c *workflow.Case) {
		return func(t *testing.T, c *workflow.Case) {
			assert.Equal(t, reason, c.Family.EndReason)
			assert.Zero(t, c.Family.NonCooperation)
			assert.Empty(t, c.Obligations)
		}
	}
	stays := func(t *testing.T, c *workflow.Case) {
		assert.Equal(t, 1, c.Family.NonCooperation, "non-cooperation is recorded for the court report")
		assert.Equal(t, workflow.BasisCourt, c.Family.Basis)
		assert.Empty(t, c.Family.EndReason)
		_, open := c.Obligation(workflow.OblCourtReport)
		assert.True(t, open)
	}
	rows = append(rows,
		allowedRow{name: "withdraw_consent/consent/social_worker", setup: "implementing/consent",
			step: step{"withdraw_consent", sw, nil}, want: workflow.Closed, check: closedBy("consent_withdrawn")},
		allowedRow{name: "withdraw_consent/consent/assistant", setup: "planning/consent",
			step: step{"withdraw_consent", asst, nil}, want: workflow.Closed, check: closedBy("consent_withdrawn")},
		allowedRow{name: "withdraw_consent/za_zyciem", setup: "implementing/za_zyciem",
			step: step{"withdraw_consent", sw, nil}, want: workflow.Closed, check: closedBy("consent_withdrawn")},
		allowedRow{name: "withdraw_consent/mandatory", setup: "implementing/mandatory",
			step: step{"withdraw_consent", asst, nil}, want: workflow.Closed, check: closedBy("consent_withdrawn")},
		allowedRow{name: "withdraw_consent/court_order/implementing", setup: "implementing/court",
			step: step{"withdraw_consent", sw, nil}, want: workflow.AssistantImplementing, check: stays},
		allowedRow{name: "withdraw_consent/court_order/planning", setup: "planning/court",
			step: step{"withdraw_consent", asst, nil}, want: workflow.AssistantPlanning, check: stays},
		allowedRow{name: "report_to_court/ops_head", setup: "implementing/court",
			step: step{"report_to_court", head, nil}, want: workflow.AssistantImplementing},
		allowedRow{name: "end_work/ops_head", setup: "implementing/court",
			step: step{"end_work", head, workflow.Args{"reason": "court_decision"}}, want: workflow.Closed, check: closedBy("court_decision")},
		allowedRow{name: "end_work/planning/goals_achieved", setup: "planning/consent",
			step: step{"end_work", asst, workflow.Args{"reason": "goals_achieved"}}, want: workflow.Monitoring},
		allowedRow{name: "end_monitoring/social_worker", setup: "monitoring",
			step: step{"end_monitoring", sw, nil}, want: workflow.Closed},
		allowedRow{name: "refer/urgent", setup: "declared", step: step{"refer", sw, workflow.Args{"urgent": true}},
			want: workflow.Referred, check: func(t *testing.T, c *workflow.Case) {
				assert.True(t, c.Family.Urgent)
				assert.Equal(t, d(testDay), c.Family.Opened)
			}},
		allowedRow{name: "apply_za_zyciem/child_impairment", setup: "declared",
			step: step{"apply_za_zyciem", sw, workflow.Args{"kind": "child_impairment"}}, want: workflow.AssistantRequested,
			check: func(t *testing.T, c *workflow.Case) {
				assert.Equal(t, workflow.BasisZaZyciem, c.Family.Basis)
				assert.True(t, c.Family.ZaZyciem())
				assert.Equal(t, "child_impairment", c.Family.ZaZyciemKind)
				assert.Empty(t, c.Obligations, "'Za życiem' has no interview")
			}},
		allowedRow{name: "request_assistant/mandatory", setup: "analysis",
			step: step{"request_assistant", sw, workflow.Args{"mandatory": true}}, want: workflow.AssistantRequested,
			check: func(t *testing.T, c *workflow.Case) { assert.Equal(t, workflow.BasisMandatory, c.Family.Basis) }},
		allowedRow{name: "request_assistant/voluntary", setup: "analysis",
			step: step{"request_assistant", sw, workflow.Args{"mandatory": false}}, want: workflow.AssistantRequested,
			check: func(t *testing.T, c *workflow.Case) { assert.Equal(t, workflow.BasisNone, c.Family.Basis) }},
		allowedRow{name: "give_consent/sets_basis", setup: "assistant_requested",
			step: step{"give_consent", sw, nil}, want: workflow.AssistantRequested,
			check: func(t *testing.T, c *workflow.Case) { assert.Equal(t, workflow.BasisConsent, c.Family.Basis) }},
		allowedRow{name: "give_consent/court_order_kept", setup: "assistant_requested/court",
			step: step{"give_consent", sw, nil}, want: workflow.AssistantRequested,
			check: func(t *testing.T, c *workflow.Case) { assert.Equal(t, workflow.BasisCourt, c.Family.Basis) }},
		allowedRow{name: "refuse_consent/declined", setup: "assistant_requested/consent",
			step: step{"refuse_consent", sw, nil}, want: workflow.Declined,
			check: func(t *testing.T, c *workflow.Case) { assert.Equal(t, workflow.BasisNone, c.Family.Basis) }},
		allowedRow{name: "assess/negative/za_zyciem", setup: "implementing/za_zyciem",
			step: step{"assess", asst, workflow.Args{"result": "negative"}}, want: workflow.AssistantImplementing,
			check: func(t *testing.T, c *workflow.Case) {
				assert.Equal(t, "A1", c.Family.Assistant)
				assert.Equal(t, "negative", c.Family.LastAssessment)
			}},
		allowedRow{name: "reassign_assistant/records_former", setup: "implementing/court",
			step: step{"reassign_assistant", head, workflow.Args{"assistant": "A2"}}, want: workflow.AssistantImplementing,
			check: func(t *testing.T, c *workflow.Case) {
				assert.Equal(t, "A2", c.Family.Assistant)
				assert.Equal(t, []string{"A1"}, c.Family.FormerAssistants)
				_, open := c.Obligation(workflow.OblFamilyAssessment)
				assert.True(t, open, "the periodic assessment runs on")
			}},
		allowedRow{name: "approve_plan/plan_ref", setup: "planning/consent",
			step: step{"approve_plan", asst, workflow.Args{"plan_ref": "PP/7/2024"}}, want: workflow.AssistantImplementing,
			check: func(t *testing.T, c *workflow.Case) { assert.Equal(t, "PP/7/2024", c.Family.WorkPlanRef) }},
	)
	for _, setup := range []string{"monitoring", "closed", "declined"} {
		rows = append(rows, allowedRow{name: "reopen/" + setup, setup: setup, step: step{"reopen", sw, nil},
			want: workflow.AssistantRequested, check: func(t *testing.T, c *workflow.Case) {
				assert.Equal(t, workflow.BasisNone, c.Family.Basis, "the basis must be given again")
				assert.Empty(t, c.Family.Assistant)
				assert.Empty(t, c.Family.EndReason)
				if setup != "declined" {
					assert.Equal(t, []string{"A1"}, c.Family.FormerAssistants)
				}
			}})
	}
	runAllowed(t, st, func(w *world, id, setup string) { w.familyIn(id, setup) }, rows)
}

func TestEngine_Fire_child_allowed(t *testing.T) { forEachStore(t, testEngine_Fire_child_allowed) }

func testEngine_Fire_child_allowed(t *testing.T, st storeKind) {
	var rows []allowedRow
	for _, f := range forms {
		placed := func(t *testing.T, c *workflow.Case) {
			assert.Equal(t, f, c.Child.Form)
			assert.Equal(t, carerFor(f), c.Child.Carer)
			assert.Equal(t, d(testDay), c.Child.PlacedOn)
			assert.Equal(t, courtRef, c.Child.CourtRef)
		}
		rows = append(rows,
			allowedRow{name: "place/" + f, setup: "in_family", step: step{"place", org, placeArgs(f)},
				want: workflow.State("placed." + f), check: placed},
			allowedRow{name: "place_again/" + f, setup: "returned", step: step{"place", org, placeArgs(f)},
				want: workflow.State("placed." + f), check: placed},
		)
		from := workflow.FormProfessional
		if f == workflow.FormProfessional {
			from = workflow.FormKinship
		}
		rows = append(rows, allowedRow{name: "move/" + from + "/to_" + f, setup: "placed." + from,
			step: step{"move", org, workflow.Args{"form": f, "carer": carerFor(f)}}, want: workflow.State("placed." + f),
			check: func(t *testing.T, c *workflow.Case) {
				assert.Equal(t, f, c.Child.Form)
				assert.Equal(t, carerFor(f), c.Child.Carer)
			}})
	}
	for _, f := range []string{workflow.FormInstitution, workflow.FormKinship, workflow.FormEmergency} {
		rows = append(rows, allowedRow{name: "propose_return/from_" + f, setup: "placed." + f,
			step: step{"propose_return", org, nil}, want: workflow.Reunification})
	}
	rows = append(rows,
		allowedRow{name: "place/emergency_admission_without_court_ref", setup: "in_family",
			step: step{"place", org, workflow.Args{"form": workflow.FormEmergency, "carer": rEmerg}}, want: workflow.PlacedEmergency},
		allowedRow{name: "place/help_plan_ref", setup: "in_family",
			step: step{"place", org, workflow.Args{"form": workflow.FormKinship, "carer": rKinship, "help_plan_ref": "PPD/1"}},
			want: workflow.PlacedKinship, check: func(t *testing.T, c *workflow.Case) { assert.Equal(t, "PPD/1", c.Child.HelpPlanRef) }},
		allowedRow{name: "review/institution_director", setup: "placed.institution",
			step: step{"review", director, workflow.Args{"help_plan_ref": "PPD/2"}}, want: workflow.PlacedInstitution,
			check: func(t *testing.T, c *workflow.Case) { assert.Equal(t, "PPD/2", c.Child.HelpPlanRef) }},
		allowedRow{name: "settle_legal_status/records", setup: "placed.kinship_foster_family",
			step: step{"settle_legal_status", org, nil}, want: workflow.PlacedKinship,
			check: func(t *testing.T, c *workflow.Case) { assert.True(t, c.Child.LegalStatusSettled) }},
		allowedRow{name: "extend_stay/records", setup: "placed.emergency_family_home",
			step: step{"extend_stay", org, nil}, want: workflow.PlacedEmergency,
			check: func(t *testing.T, c *workflow.Case) { assert.True(t, c.Child.StayExtended) }},
		allowedRow{name: "propose_return/remembers_state", setup: "placed.family_childrens_home",
			step: step{"propose_return", org, nil}, want: workflow.Reunification,
			check: func(t *testing.T, c *workflow.Case) {
				assert.Equal(t, workflow.PlacedFamilyChildrensHome, c.Child.ReturnTo)
			}},
	)
	runAllowed(t, st, func(w *world, id, setup string) { w.childIn(id, setup) }, rows)

	// return_refused goes back to the placed state the child came from.
	for _, f := range []string{workflow.FormInstitution, workflow.FormKinship, workflow.FormEmergency} {
		t.Run("return_refused/to_"+f, func(t *testing.T) {
			w := newWorld(t, st)
			w.childIn("X", "placed."+f)
			w.must("X", "propose_return", org, "2024-02-01", nil)
			out := w.must("X", "return_refused", org, testDay, nil)
			assert.Equal(t, workflow.State("placed."+f), out.Case.State)
			assert.Equal(t, carerFor(f), out.Case.Child.Carer)
			assert.Empty(t, out.Case.Child.ReturnTo)
		})
	}
	// refer_for_adoption by each of its roles once the legal status is settled.
	for _, who := range []workflow.Actor{coord, org, director} {
		t.Run("refer_for_adoption/"+string(who.Role), func(t *testing.T) {
			w := newWorld(t, st)
			w.childIn("X", "placed.institution")
			w.must("X", "settle_legal_status", org, "2024-02-01", nil)
			out := w.must("X", "refer_for_adoption", who, testDay, nil)
			assert.Equal(t, workflow.AdoptionReferred, out.Case.State)
		})
	}
}

func TestEngine_Fire_fosterFamily_allowed(t *testing.T) {
	forEachStore(t, testEngine_Fire_fosterFamily_allowed)
}

func testEngine_Fire_fosterFamily_allowed(t *testing.T, st storeKind) {
	rows := []allowedRow{
		{name: "assign_coordinator/qualified", setup: "qualified", step: step{"assign_coordinator", org, workflow.Args{"coordinator": "K2"}},
			want: workflow.Qualified, check: func(t *testing.T, c *workflow.Case) { assert.Equal(t, "K2", c.FosterFamily.Coordinator) }},
		{name: "assess/organizer/negative", setup: "active", step: step{"assess", org, workflow.Args{"result": "negative"}},
			want: workflow.Active, check: func(t *testing.T, c *workflow.Case) {
				assert.Equal(t, 1, c.FosterFamily.Assessments)
				assert.Equal(t, "negative", c.FosterFamily.LastResult)
			}},
		{name: "dissolve/suspended", setup: "suspended", step: step{"dissolve", org, nil}, want: workflow.Dissolved,
			check: func(t *testing.T, c *workflow.Case) { assert.Empty(t, c.Obligations) }},
	}
	runAllowed(t, st, func(w *world, id, setup string) { w.fosterIn(id, setup) }, rows)

	t.Run("assign_coordinator/reassign", func(t *testing.T) {
		w := newWorld(t, st)
		w.fosterIn("X", "active")
		w.must("X", "assign_coordinator", org, "2024-02-01", workflow.Args{"coordinator": "K1"})
		w.must("X", "assign_coordinator", org, testDay, workflow.Args{"coordinator": "K2"})
		for key, n := range map[string]int{workflow.CoordinatorKey("K1"): 0, workflow.CoordinatorKey("K2"): 1} {
			cases, _, err := w.store.Index(w.ctx, key)
			require.NoError(t, err)
			assert.Len(t, cases, n, key)
		}
	})
}

// triggerSetup is, per lifecycle and trigger, a state in which the trigger
// is permitted, so that a refusal there is about the actor alone.
var triggerSetup = map[rules.Lifecycle]map[string]string{
	rules.LifecycleFamily: {
		"refer": "declared", "apply_za_zyciem": "declared", "complete_interview": "referred", "request_assistant": "analysis",
		"give_consent": "assistant_requested", "refuse_consent": "assistant_requested", "court_obligation": "analysis",
		"report_to_court": "implementing/court", "assign_assistant": "assistant_requested/consent",
		"reassign_assistant": "planning/court",
		"approve_plan":       "planning/consent", "assess": "implementing/consent", "withdraw_consent": "implementing/consent",
		"end_work": "implementing/consent", "end_monitoring": "monitoring", "reopen": "closed",
	},
	rules.LifecycleChild: {
		"place": "in_family", "move": "placed.kinship_foster_family", "review": "placed.institution",
		"report_to_court": "placed.professional_foster_family", "extend_stay": "placed.emergency_family_home",
		"propose_return": "placed.institution", "return_home": "reunification", "return_refused": "reunification",
		"settle_legal_status": "placed.professional_foster_family", "refer_for_adoption": "placed.professional_foster_family",
		"adopt": "adoption_referred", "leave_care": "placed.institution",
	},
	rules.LifecycleFosterFamily: {
		"qualify": "candidate", "assign_coordinator": "qualified", "assess": "active", "suspend": "active",
		"resume": "suspended", "dissolve": "active",
	},
}

func matrixOf(l rules.Lifecycle) matrix {
	return map[rules.Lifecycle]matrix{rules.LifecycleFamily: familyMatrix, rules.LifecycleChild: childMatrix,
		rules.LifecycleFosterFamily: fosterMatrix}[l]
}

// TestEngine_Fire_forbidden fires every trigger with every role the
// contract does not allow, and the assigned-assistant and directory checks.
func TestEngine_Fire_forbidden(t *testing.T) { forEachStore(t, testEngine_Fire_forbidden) }

func testEngine_Fire_forbidden(t *testing.T, st storeKind) {
	for _, l := range rules.Lifecycles {
		m := matrixOf(l)
		for trig, roles := range contractRoles[l] {
			for _, role := range workflow.Roles {
				if slices.Contains(roles, role) {
					continue
				}
				t.Run(fmt.Sprintf("%s/%s/%s", l, trig, role), func(t *testing.T) {
					w := newWorld(t, st)
					m.reach(w, "X", triggerSetup[l][trig])
					err := w.refuse("X", trig, actorOf(role), testDay, m.defaults[trig].args)
					assertKind(t, forbidden, err)
					var fe *workflow.ForbiddenError
					require.ErrorAs(t, err, &fe)
					assert.ElementsMatch(t, roles, fe.Allowed)
					assert.Equal(t, actorOf(role), fe.Actor)
					assert.Equal(t, trig, fe.Trigger)
				})
			}
		}
	}

	// The engine's table agrees with the contract's "who" column.
	for _, l := range rules.Lifecycles {
		for trig, roles := range contractRoles[l] {
			assert.ElementsMatch(t, roles, workflow.RolesFor(l, trig), "%s.%s", l, trig)
		}
	}

	// A family assistant acts only on the family assigned to them.
	for _, r := range []struct{ setup, trigger string }{
		{"planning/consent", "approve_plan"}, {"implementing/consent", "assess"}, {"implementing/consent", "end_work"},
		{"implementing/court", "report_to_court"}, {"implementing/consent", "withdraw_consent"}, {"monitoring", "end_monitoring"},
	} {
		t.Run("not_assigned/"+r.trigger, func(t *testing.T) {
			w := newWorld(t, st)
			w.familyIn("X", r.setup)
			err := w.refuse("X", r.trigger, asst2, testDay, familyMatrix.defaults[r.trigger].args)
			assertKind(t, forbidden, err)
			assert.Contains(t, workflow.Localize(err, rules.English), "A1")
		})
	}

	// Actors the directory does not vouch for.
	for _, r := range []struct {
		name string
		who  workflow.Actor
	}{
		{"unknown_worker", workflow.Actor{ID: "Z9", Role: workflow.SocialWorker}},
		{"empty_actor", workflow.Actor{}},
		{"unknown_role", workflow.Actor{ID: "SW1", Role: "janitor"}},
		{"role_not_held", workflow.Actor{ID: "H1", Role: workflow.SocialWorker}},
		{"not_employed_on_the_date", workflow.Actor{ID: "SW8", Role: workflow.SocialWorker}},
		{"not_yet_employed", workflow.Actor{ID: "SW9", Role: workflow.SocialWorker}},
	} {
		t.Run("actor/"+r.name, func(t *testing.T) {
			w := newWorld(t, st)
			require.NoError(t, w.dir.AddWorker(workflow.Worker{ID: "SW8", Role: workflow.SocialWorker, To: d("2023-12-31")}))
			require.NoError(t, w.dir.AddWorker(workflow.Worker{ID: "SW9", Role: workflow.SocialWorker, From: d("2024-06-01")}))
			w.declareFamily("X")
			assertKind(t, forbidden, w.refuse("X", "refer", r.who, testDay, nil))
		})
	}
}

// TestEngine_Fire_invalid covers the refusals for the state that the
// matrices do not name: unknown triggers, the engine's own activate, and
// the conditions on the basis.
func TestEngine_Fire_invalid(t *testing.T) { forEachStore(t, testEngine_Fire_invalid) }

func testEngine_Fire_invalid(t *testing.T, st storeKind) {
	rows := []struct {
		name       string
		lifecycle  rules.Lifecycle
		setup      string
		step       step
		wantReason bool
	}{
		{"unknown_trigger/family", rules.LifecycleFamily, "referred", step{"fly", sw, nil}, true},
		{"unknown_trigger/child", rules.LifecycleChild, "in_family", step{"fly", org, nil}, true},
		{"unknown_trigger/foster_family", rules.LifecycleFosterFamily, "qualified", step{"fly", org, nil}, true},
		{"empty_trigger", rules.LifecycleFamily, "referred", step{"", sw, nil}, true},
		{"other_lifecycle_trigger/place_on_family", rules.LifecycleFamily, "implementing/consent",
			step{"place", org, placeArgs(workflow.FormKinship)}, true},
		{"other_lifecycle_trigger/refer_on_child", rules.LifecycleChild, "in_family", step{"refer", sw, nil}, true},
		{"activate_by_user/qualified", rules.LifecycleFosterFamily, "qualified", step{"activate", org, nil}, true},
		{"activate_by_user/active", rules.LifecycleFosterFamily, "active", step{"activate", org, nil}, true},
		{"activate_on_family", rules.LifecycleFamily, "referred", step{"activate", sw, nil}, true},
		{"report_to_court/consent", rules.LifecycleFamily, "implementing/consent", step{"report_to_court", asst, nil}, true},
		{"report_to_court/za_zyciem", rules.LifecycleFamily, "implementing/za_zyciem", step{"report_to_court", head, nil}, true},
		{"report_to_court/mandatory", rules.LifecycleFamily, "implementing/mandatory", step{"report_to_court", asst, nil}, true},
		{"refuse_consent/court_order", rules.LifecycleFamily, "assistant_requested/court", step{"refuse_consent", sw, nil}, true},
		{"declared/complete_interview", rules.LifecycleFamily, "declared", step{"complete_interview", sw, nil}, false},
		{"declared/court_obligation", rules.LifecycleFamily, "declared", step{"court_obligation", head, workflow.Args{"court_ref": courtRef}}, false},
		{"declared/reopen", rules.LifecycleFamily, "declared", step{"reopen", sw, nil}, false},
		{"refer_twice", rules.LifecycleFamily, "referred", step{"refer", sw, nil}, false},
		{"extend_stay/not_emergency", rules.LifecycleChild, "placed.professional_foster_family", step{"extend_stay", org, nil}, false},
		{"return_refused/not_in_reunification", rules.LifecycleChild, "placed.institution", step{"return_refused", org, nil}, false},
		{"resume/active", rules.LifecycleFosterFamily, "active", step{"resume", org, nil}, false},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st)
			matrixOf(r.lifecycle).reach(w, "X", r.setup)
			err := w.refuse("X", r.step.trigger, r.step.who, testDay, r.step.args)
			assertKind(t, invalid, err)
			var te *workflow.TransitionError
			require.ErrorAs(t, err, &te)
			if r.wantReason {
				assert.False(t, te.Reason.IsZero(), "the error says why")
			}
		})
	}

	t.Run("declared/message", func(t *testing.T) {
		w := newWorld(t, st)
		w.declareFamily("X")
		err := w.refuse("X", "assess", asst, testDay, workflow.Args{"result": "positive"})
		assert.Contains(t, workflow.Localize(err, rules.English), "no case opened")
		assert.Contains(t, workflow.Localize(err, rules.Polish), "nie została założona")
	})

	t.Run("no_such_case", func(t *testing.T) {
		w := newWorld(t, st)
		_, err := w.fire("NOPE", "refer", sw, testDay, nil)
		require.ErrorIs(t, err, workflow.ErrNotFound)
	})
}

// TestEngine_Fire_denied is every statutory rule of docs/glossary.md ("Statutory guards")
// refusing a transition.
func TestEngine_Fire_denied(t *testing.T) { forEachStore(t, testEngine_Fire_denied) }

func testEngine_Fire_denied(t *testing.T, st storeKind) {
	type row struct {
		name  string
		setup func(w *world) // prepares the world; the case under test is X
		step  step
		on    string
		rule  string // "" when the step must be allowed
	}
	// assistantLoad puts n consent-based families into A1's work.
	assistantLoad := func(n int, on string) func(w *world) {
		return func(w *world) {
			for i := range n {
				id := fmt.Sprintf("L%02d", i)
				w.declareFamily(id)
				w.must(id, "refer", sw, on, nil)
				w.must(id, "complete_interview", sw, on, nil)
				w.must(id, "request_assistant", sw, on, nil)
				w.must(id, "give_consent", sw, on, nil)
				w.must(id, "assign_assistant", head, on, workflow.Args{"assistant": "A1"})
			}
			w.declareFamily("X")
			for _, s := range familyPaths["assistant_requested/consent"] {
				w.must("X", s.trigger, s.who, on, s.args)
			}
		}
	}
	// coordinatorLoad gives K1 n foster families.
	coordinatorLoad := func(n int, on string) func(w *world) {
		return func(w *world) {
			for i := range n {
				id := fmt.Sprintf("Q%02d", i)
				w.declareFoster(id, workflow.FormNonProfessional)
				w.must(id, "assign_coordinator", org, on, workflow.Args{"coordinator": "K1"})
			}
			w.declareFoster("X", workflow.FormProfessional)
		}
	}
	// carerLoad places n children (11 years old) with carer; X is one more.
	carerLoad := func(n int, form, carer string, siblings bool) func(w *world) {
		return func(w *world) {
			for i := range n {
				id := fmt.Sprintf("K%02d", i)
				w.declareChild(id, "", childBorn)
				w.must(id, "place", org, "2024-01-15", workflow.Args{"form": form, "carer": carer, "siblings": siblings})
			}
			w.declareChild("X", "", childBorn)
		}
	}
	place := func(form, carer string, siblings bool) step {
		return step{"place", org, workflow.Args{"form": form, "carer": carer, "siblings": siblings}}
	}
	child := func(born string) func(w *world) {
		return func(w *world) { w.declareChild("X", "", born) }
	}
	toInstitution := step{"place", org, workflow.Args{"form": workflow.FormInstitution, "carer": inst}}
	withException := func(e string) step {
		return step{"place", org, workflow.Args{"form": workflow.FormInstitution, "carer": inst, "exception": e}}
	}
	assign := step{"assign_assistant", head, workflow.Args{"assistant": "A1"}}
	assignK1 := step{"assign_coordinator", org, workflow.Args{"coordinator": "K1"}}

	rows := []row{
		{"assistant.basis_required/no_basis", func(w *world) { w.familyIn("X", "assistant_requested") }, assign, testDay, "assistant.basis_required"},
		{"assistant.basis_required/after_reopen", func(w *world) {
			w.familyIn("X", "closed")
			w.must("X", "reopen", sw, "2024-02-01", nil)
		}, assign, testDay, "assistant.basis_required"},
		{"assistant.basis_required/declined_then_reopened", func(w *world) {
			w.familyIn("X", "declined")
			w.must("X", "reopen", sw, "2024-02-01", nil)
		}, assign, testDay, "assistant.basis_required"},
		{"assistant.max_families/15th_in_2016", assistantLoad(14, "2016-03-01"), assign, "2016-03-01", ""},
		{"assistant.max_families/16th_in_2016", assistantLoad(15, "2016-03-01"), assign, "2016-03-01", "assistant.max_families"},
		{"assistant.max_families/16th_on_2015-01-01", assistantLoad(15, "2014-12-31"), assign, "2015-01-01", "assistant.max_families"},
		{"assistant.max_families/20th_in_2014", assistantLoad(19, "2014-06-02"), assign, "2014-06-02", ""},
		{"assistant.max_families/21st_in_2014", assistantLoad(20, "2014-06-02"), assign, "2014-06-02", "assistant.max_families"},
		{"assistant.max_families/21st_on_2014-12-31", assistantLoad(20, "2014-12-31"), assign, "2014-12-31", "assistant.max_families"},
		{"assistant.max_families/16th_after_one_ended", func(w *world) {
			assistantLoad(15, "2016-03-01")(w)
			w.must("L00", "end_work", asst, "2016-03-02", workflow.Args{"reason": "moved_away"})
		}, assign, "2016-03-03", ""},
		{"assistant.max_families/reassign_to_a_full_assistant", func(w *world) {
			assistantLoad(15, "2016-03-01")(w)
			for _, s := range []step{
				{"assign_assistant", head, workflow.Args{"assistant": "A2"}},
			} {
				w.must("X", s.trigger, s.who, "2016-03-01", s.args)
			}
		}, step{"reassign_assistant", head, workflow.Args{"assistant": "A1"}}, "2016-03-02", "assistant.max_families"},
		{"coordinator.max_foster_families/15th_in_2016", coordinatorLoad(14, "2016-03-01"), assignK1, "2016-03-01", ""},
		{"coordinator.max_foster_families/16th_in_2016", coordinatorLoad(15, "2016-03-01"), assignK1, "2016-03-01", "coordinator.max_foster_families"},
		{"coordinator.max_foster_families/30th_in_2014", coordinatorLoad(29, "2014-03-03"), assignK1, "2014-03-03", ""},
		{"coordinator.max_foster_families/31st_in_2014", coordinatorLoad(30, "2014-03-03"), assignK1, "2014-03-03", "coordinator.max_foster_families"},
		{"coordinator.max_foster_families/16th_after_one_dissolved", func(w *world) {
			coordinatorLoad(15, "2016-03-01")(w)
			w.declareChild("CQ", "", childBorn)
			w.must("CQ", "place", org, "2016-03-01", workflow.Args{"form": workflow.FormNonProfessional, "carer": "Q00"})
			w.must("Q00", "dissolve", org, "2016-03-02", nil)
		}, assignK1, "2016-03-03", ""},
		{"coordinator.max_foster_families/16th_counting_suspended", func(w *world) {
			coordinatorLoad(15, "2016-03-01")(w)
			w.declareChild("CQ", "", childBorn)
			w.must("CQ", "place", org, "2016-03-01", workflow.Args{"form": workflow.FormNonProfessional, "carer": "Q00"})
			w.must("Q00", "suspend", org, "2016-03-02", nil)
		}, assignK1, "2016-03-03", "coordinator.max_foster_families"},
		{"foster_family.max_children/professional_3rd", carerLoad(2, workflow.FormProfessional, rProf, false), place(workflow.FormProfessional, rProf, false), testDay, ""},
		{"foster_family.max_children/professional_4th", carerLoad(3, workflow.FormProfessional, rProf, false), place(workflow.FormProfessional, rProf, false), testDay, "foster_family.max_children"},
		{"foster_family.max_children/professional_4th_siblings", carerLoad(3, workflow.FormProfessional, rProf, false), place(workflow.FormProfessional, rProf, true), testDay, ""},
		{"foster_family.max_children/non_professional_4th", carerLoad(3, workflow.FormNonProfessional, rNonProf, false), place(workflow.FormNonProfessional, rNonProf, false), testDay, "foster_family.max_children"},
		{"foster_family.max_children/non_professional_5th_siblings", carerLoad(4, workflow.FormNonProfessional, rNonProf, true), place(workflow.FormNonProfessional, rNonProf, true), testDay, ""},
		{"foster_family.max_children/emergency_4th", carerLoad(3, workflow.FormEmergency, rEmerg, false), place(workflow.FormEmergency, rEmerg, false), testDay, "foster_family.max_children"},
		{"foster_family.max_children/kinship_has_no_limit", carerLoad(5, workflow.FormKinship, rKinship, false), place(workflow.FormKinship, rKinship, false), testDay, ""},
		{"foster_family.max_children/move_in_4th", func(w *world) {
			carerLoad(3, workflow.FormProfessional, rProf, false)(w)
			w.must("X", "place", org, "2024-01-20", placeArgs(workflow.FormKinship))
		}, step{"move", org, workflow.Args{"form": workflow.FormProfessional, "carer": rProf}}, testDay, "foster_family.max_children"},
		{"family_childrens_home.max_children/8th", carerLoad(7, workflow.FormFamilyChildrensHome, rHome, false), place(workflow.FormFamilyChildrensHome, rHome, false), testDay, ""},
		{"family_childrens_home.max_children/9th", carerLoad(8, workflow.FormFamilyChildrensHome, rHome, false), place(workflow.FormFamilyChildrensHome, rHome, false), testDay, "family_childrens_home.max_children"},
		{"family_childrens_home.max_children/9th_siblings", carerLoad(8, workflow.FormFamilyChildrensHome, rHome, false), place(workflow.FormFamilyChildrensHome, rHome, true), testDay, ""},
		{"institution.max_children/14th", carerLoad(13, workflow.FormInstitution, inst, false), toInstitution, testDay, ""},
		{"institution.max_children/15th", carerLoad(14, workflow.FormInstitution, inst, false), toInstitution, testDay, "institution.max_children"},
		{"institution.max_children/15th_siblings_no_exception", carerLoad(14, workflow.FormInstitution, inst, true), place(workflow.FormInstitution, inst, true), testDay, "institution.max_children"},
		{"institution.max_children/other_institution", carerLoad(14, workflow.FormInstitution, inst, false), step{"place", org, workflow.Args{"form": workflow.FormInstitution, "carer": inst2}}, testDay, ""},
		{"institution.max_children/left_care_frees_a_place", func(w *world) {
			carerLoad(14, workflow.FormInstitution, inst, false)(w)
			w.must("K00", "leave_care", org, "2024-02-01", nil)
		}, toInstitution, testDay, ""},
		{"institution.min_age/10th_birthday", child("2014-03-01"), toInstitution, testDay, "institution.min_age"},
		{"institution.min_age/day_after_10th_birthday", child("2014-02-28"), toInstitution, "2024-02-29", ""},
		{"institution.min_age/born_29_february/10th_birthday", child("2012-02-29"), toInstitution, "2022-02-28", "institution.min_age"},
		{"institution.min_age/born_29_february/day_after", child("2012-02-29"), toInstitution, "2022-03-01", ""},
		{"institution.min_age/aged_9", child("2015-01-01"), toInstitution, testDay, "institution.min_age"},
		{"institution.min_age/exception_siblings", child("2015-01-01"), withException("siblings"), testDay, ""},
		{"institution.min_age/exception_parent_in_institution", child("2020-01-01"), withException("parent_in_institution"), testDay, ""},
		{"institution.min_age/exception_health", child("2023-01-01"), withException("health"), testDay, ""},
		{"institution.min_age/siblings_flag_is_no_exception", child("2015-01-01"), place(workflow.FormInstitution, inst, true), testDay, "institution.min_age"},
		{"institution.min_age/aged_8_in_2019", child("2011-01-01"), toInstitution, "2019-12-31", ""},
		{"institution.min_age/7th_birthday_in_2019", child("2012-12-31"), toInstitution, "2019-12-31", "institution.min_age"},
		{"institution.min_age/aged_8_in_2020", child("2011-01-01"), toInstitution, "2020-01-01", "institution.min_age"},
		{"institution.min_age/move", func(w *world) {
			w.declareChild("X", "", "2016-01-01")
			w.must("X", "place", org, "2024-01-20", placeArgs(workflow.FormKinship))
		}, toMove(toInstitution), testDay, "institution.min_age"},
		{"institution.min_age/move_with_exception", func(w *world) {
			w.declareChild("X", "", "2016-01-01")
			w.must("X", "place", org, "2024-01-20", placeArgs(workflow.FormKinship))
		}, toMove(withException("health")), testDay, ""},
		{"adoption.legal_status_settled/unsettled", func(w *world) { w.childIn("X", "placed.institution") },
			step{"refer_for_adoption", director, nil}, testDay, "adoption.legal_status_settled"},
		{"emergency_family_home.single_extension", func(w *world) {
			w.childIn("X", "placed.emergency_family_home")
			w.must("X", "extend_stay", org, "2024-02-01", nil)
		}, step{"extend_stay", org, nil}, testDay, "emergency_family_home.single_extension"},
		{"emergency_family_home.single_extension/new_stay", func(w *world) {
			w.childIn("X", "placed.emergency_family_home")
			w.must("X", "extend_stay", org, "2024-02-01", nil)
			w.must("X", "move", org, "2024-02-02", placeArgs(workflow.FormKinship))
			w.must("X", "move", org, "2024-02-03", workflow.Args{"form": workflow.FormEmergency, "carer": rEmerg})
		}, step{"extend_stay", org, nil}, testDay, ""},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st)
			r.setup(w)
			if r.rule == "" {
				w.must("X", r.step.trigger, r.step.who, r.on, r.step.args)
				return
			}
			err := w.refuse("X", r.step.trigger, r.step.who, r.on, r.step.args)
			assertKind(t, denied, err)
			var de *workflow.DeniedError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, []string{r.rule}, de.RuleIDs())
			assert.False(t, de.Decision.Allowed)
			assert.Equal(t, d(r.on), de.Decision.On)
			assert.Equal(t, w.e.RuleSet().Revision(), de.Decision.Revision)
			assert.Contains(t, workflow.Localize(err, rules.Polish), r.rule)
			assert.Contains(t, workflow.Localize(err, rules.English), r.rule)
			assert.NotContains(t, workflow.Localize(err, rules.Polish), "{", "placeholders are rendered")
		})
	}
}

// toMove turns a placement step into a move with the same arguments.
func toMove(s step) step { s.trigger = "move"; return s }

// TestEngine_Fire_arguments covers missing, mistyped and unknown arguments
// and IDs that name nothing suitable.
func TestEngine_Fire_arguments(t *testing.T) { forEachStore(t, testEngine_Fire_arguments) }

func testEngine_Fire_arguments(t *testing.T, st storeKind) {
	type row struct {
		name      string
		lifecycle rules.Lifecycle
		setup     string
		step      step
		arg       string
	}
	placeWith := func(form, carer string) step {
		return step{"place", org, workflow.Args{"form": form, "carer": carer}}
	}
	court := func(v any) step {
		return step{"court_obligation", head, workflow.Args{"court_ref": courtRef, "report_every_months": v}}
	}
	fam, chi, fos := rules.LifecycleFamily, rules.LifecycleChild, rules.LifecycleFosterFamily
	rows := []row{
		// missing
		{"missing/apply_za_zyciem.kind", fam, "declared", step{"apply_za_zyciem", sw, nil}, "kind"},
		{"missing/court_obligation.court_ref", fam, "analysis", step{"court_obligation", head, workflow.Args{"report_every_months": 3}}, "court_ref"},
		{"missing/assign_assistant.assistant", fam, "assistant_requested/consent", step{"assign_assistant", head, nil}, "assistant"},
		{"missing/assess.result", fam, "implementing/consent", step{"assess", asst, nil}, "result"},
		{"missing/end_work.reason", fam, "implementing/consent", step{"end_work", asst, nil}, "reason"},
		{"missing/place.form", chi, "in_family", step{"place", org, workflow.Args{"carer": rProf}}, "form"},
		{"missing/place.carer", chi, "in_family", step{"place", org, workflow.Args{"form": workflow.FormProfessional}}, "carer"},
		{"missing/move.carer", chi, "placed.institution", step{"move", org, workflow.Args{"form": workflow.FormProfessional}}, "carer"},
		{"missing/return_home.court_ref", chi, "reunification", step{"return_home", org, nil}, "court_ref"},
		{"missing/adopt.court_ref", chi, "adoption_referred", step{"adopt", org, nil}, "court_ref"},
		{"missing/assign_coordinator.coordinator", fos, "qualified", step{"assign_coordinator", org, nil}, "coordinator"},
		{"missing/foster_assess.result", fos, "active", step{"assess", coord, nil}, "result"},
		{"missing/nil_value", fam, "implementing/consent", step{"end_work", asst, workflow.Args{"reason": nil}}, "reason"},
		// wrong type or value
		{"type/refer.urgent_string", fam, "declared", step{"refer", sw, workflow.Args{"urgent": "yes"}}, "urgent"},
		{"type/request_assistant.mandatory_int", fam, "analysis", step{"request_assistant", sw, workflow.Args{"mandatory": 1}}, "mandatory"},
		{"type/report_every_months_string", fam, "analysis", court("3"), "report_every_months"},
		{"type/report_every_months_zero", fam, "analysis", court(0), "report_every_months"},
		{"type/report_every_months_fraction", fam, "analysis", court(2.5), "report_every_months"},
		{"type/report_every_months_too_many", fam, "analysis", court(120), "report_every_months"},
		{"type/court_ref_number", fam, "analysis", step{"court_obligation", head, workflow.Args{"court_ref": 17}}, "court_ref"},
		{"type/court_ref_blank", fam, "analysis", step{"court_obligation", head, workflow.Args{"court_ref": "  "}}, "court_ref"},
		{"type/assistant_number", fam, "assistant_requested/consent", step{"assign_assistant", head, workflow.Args{"assistant": 1}}, "assistant"},
		{"type/place.siblings_string", chi, "in_family", step{"place", org, workflow.Args{"form": workflow.FormKinship, "carer": rKinship, "siblings": "true"}}, "siblings"},
		{"enum/end_work.reason", fam, "implementing/consent", step{"end_work", asst, workflow.Args{"reason": "tired"}}, "reason"},
		{"enum/assess.result", fam, "implementing/consent", step{"assess", asst, workflow.Args{"result": "so-so"}}, "result"},
		{"enum/apply_za_zyciem.kind", fam, "declared", step{"apply_za_zyciem", sw, workflow.Args{"kind": "poverty"}}, "kind"},
		{"enum/place.form", chi, "in_family", placeWith("orphanage", inst), "form"},
		{"enum/place.form_superstate", chi, "in_family", placeWith("placed", inst), "form"},
		{"enum/place.exception", chi, "in_family", step{"place", org, workflow.Args{"form": workflow.FormInstitution, "carer": inst, "exception": "poverty"}}, "exception"},
		{"enum/foster_assess.result", fos, "active", step{"assess", coord, workflow.Args{"result": "fine"}}, "result"},
		// unknown argument: named by its place among the names given, in
		// alphabetical order, never echoed
		{"unknown/refer.reason", fam, "declared", step{"refer", sw, workflow.Args{"reason": "school"}}, "#1"},
		{"unknown/complete_interview.urgent", fam, "referred", step{"complete_interview", sw, workflow.Args{"urgent": true}}, "#1"},
		{"unknown/place.name", chi, "in_family", step{"place", org, workflow.Args{"form": workflow.FormKinship, "carer": rKinship, "Jan Kowalski": "85010112345"}}, "#1"},
		{"unknown/suspend.reason", fos, "active", step{"suspend", org, workflow.Args{"reason": "x"}}, "#1"},
		// bounded and shaped texts
		{"text/court_ref_not_a_signature", fam, "implementing/consent", step{"court_obligation", head, workflow.Args{"court_ref": "Jan Kowalski, ul. Polna 1"}}, "court_ref"},
		{"text/court_ref_without_year", chi, "in_family", step{"place", org, workflow.Args{"form": workflow.FormKinship, "carer": rKinship, "court_ref": "III Nsm 100"}}, "court_ref"},
		{"text/plan_ref_too_long", fam, "planning/consent", step{"approve_plan", asst, workflow.Args{"plan_ref": strings.Repeat("P", workflow.MaxIDLength+1)}}, "plan_ref"},
		// IDs that name nothing suitable
		{"worker/unknown_assistant", fam, "assistant_requested/consent", step{"assign_assistant", head, workflow.Args{"assistant": "A9"}}, "assistant"},
		{"worker/assistant_is_a_social_worker", fam, "assistant_requested/consent", step{"assign_assistant", head, workflow.Args{"assistant": "SW1"}}, "assistant"},
		{"worker/unknown_coordinator", fos, "qualified", step{"assign_coordinator", org, workflow.Args{"coordinator": "K9"}}, "coordinator"},
		{"worker/coordinator_is_an_assistant", fos, "active", step{"assign_coordinator", org, workflow.Args{"coordinator": "A1"}}, "coordinator"},
		{"worker/reassign_to_the_same_assistant", fam, "implementing/consent", step{"reassign_assistant", head, workflow.Args{"assistant": "A1"}}, "assistant"},
		{"worker/reassign_to_a_coordinator", fam, "implementing/consent", step{"reassign_assistant", head, workflow.Args{"assistant": "K1"}}, "assistant"},
		{"carer/unknown", chi, "in_family", placeWith(workflow.FormProfessional, "R99"), "carer"},
		{"carer/family_case_is_no_carer", chi, "in_family", placeWith(workflow.FormProfessional, "F1"), "carer"},
		{"carer/form_mismatch_foster", chi, "in_family", placeWith(workflow.FormProfessional, rNonProf), "form"},
		{"carer/institution_form_for_foster_family", chi, "in_family", placeWith(workflow.FormInstitution, rProf), "form"},
		{"carer/foster_form_for_institution", chi, "in_family", placeWith(workflow.FormKinship, inst), "form"},
		{"carer/move_to_same_carer", chi, "placed.kinship_foster_family", step{"move", org, workflow.Args{"form": workflow.FormKinship, "carer": rKinship}}, "carer"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st)
			matrixOf(r.lifecycle).reach(w, "X", r.setup)
			err := w.refuse("X", r.step.trigger, r.step.who, testDay, r.step.args)
			assertKind(t, badArg, err)
			var ae *workflow.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, r.arg, ae.Arg)
			assert.Equal(t, r.step.trigger, ae.Trigger)
			assert.Equal(t, "X", ae.Case)
			for _, lang := range []rules.Lang{rules.Polish, rules.English} {
				msg := workflow.Localize(err, lang)
				for _, personal := range []string{"Kowalski", "85010112345", "Polna"} {
					assert.NotContains(t, msg, personal, "free text is not echoed")
				}
			}
		})
	}

	// A suspended, dissolved or candidate foster family takes no children;
	// a failed placement into a qualified one does not activate it.
	for _, state := range []string{"suspended", "dissolved", "candidate"} {
		t.Run("carer/"+state, func(t *testing.T) {
			w := newWorld(t, st)
			w.fosterIn("RF", state)
			w.declareChild("X", "", childBorn)
			err := w.refuse("X", "place", org, testDay, workflow.Args{"form": workflow.FormProfessional, "carer": "RF"})
			assertKind(t, badArg, err)
			var ae *workflow.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "carer", ae.Arg)
			assert.Contains(t, workflow.Localize(err, rules.English), state)
		})
	}
	t.Run("carer/move_to_suspended", func(t *testing.T) {
		w := newWorld(t, st)
		w.fosterIn("RF", "suspended")
		w.childIn("X", "placed.institution")
		err := w.refuse("X", "move", org, testDay, workflow.Args{"form": workflow.FormProfessional, "carer": "RF"})
		assertKind(t, badArg, err)
	})
	t.Run("on/before_the_statute", func(t *testing.T) {
		w := newWorld(t, st)
		w.declareFamily("X")
		err := w.refuse("X", "refer", sw, "2011-06-01", nil)
		assertKind(t, badArg, err)
	})
	t.Run("declare/bad", func(t *testing.T) {
		w := newWorld(t, st)
		for _, err := range []error{
			w.e.DeclareFamily(w.ctx, "", workflow.FamilyInfo{}),
			w.e.DeclareFamily(w.ctx, "FX", workflow.FamilyInfo{Difficulty: -1}),
			w.e.DeclareChild(w.ctx, "CX", workflow.ChildInfo{Family: "F1"}),
			w.e.DeclareFosterFamily(w.ctx, "RX", workflow.FosterFamilyInfo{Form: workflow.FormInstitution}),
		} {
			assertKind(t, badArg, err)
			checkMessages(t, err)
		}
		err := w.e.DeclareFosterFamily(w.ctx, rProf, workflow.FosterFamilyInfo{Form: workflow.FormProfessional})
		require.ErrorIs(t, err, workflow.ErrConflict, "a second declaration of an ID")
	})
}

// TestEngine_Fire_linked covers the transitions that reach across
// lifecycles.
func TestEngine_Fire_linked(t *testing.T) { forEachStore(t, testEngine_Fire_linked) }

func testEngine_Fire_linked(t *testing.T, st storeKind) {
	t.Run("foster_family_activated_by_first_child", func(t *testing.T) {
		w := newWorld(t, st)
		w.declareChild("C1", "", "2018-04-04")
		w.declareChild("C2", "", "2019-04-04")
		before := w.caseOf(rProf)
		require.Equal(t, workflow.Qualified, before.State)
		out := w.must("C1", "place", org, "2024-02-29", placeArgs(workflow.FormProfessional))
		require.Len(t, out.Linked, 1)
		ff := out.Linked[0]
		assert.Equal(t, rProf, ff.ID)
		assert.Equal(t, workflow.Active, ff.State)
		assert.Equal(t, d("2024-02-29"), ff.FosterFamily.ActiveSince)
		assert.Equal(t, before.Version+1, ff.Version)
		assert.Equal(t, ff, w.caseOf(rProf))

		evs := w.history(rProf)
		require.Len(t, evs, 2)
		act := evs[1]
		assert.Equal(t, workflow.TriggerActivate, act.Trigger)
		assert.Equal(t, "C1", act.Cause)
		assert.Equal(t, workflow.Qualified, act.From)
		assert.Equal(t, workflow.Active, act.To)
		assert.Equal(t, org, act.Actor)
		assert.Equal(t, d("2024-02-29"), act.On)
		assert.Equal(t, int64(2), act.Seq)
		assert.Equal(t, w.e.RuleSet().Revision(), act.Revision)

		assert.Equal(t, d("2025-02-28"), w.due(rProf, workflow.OblFosterFamilyAssessment))

		// The second child changes nothing in the foster family.
		out = w.must("C2", "place", org, "2024-03-15", placeArgs(workflow.FormProfessional))
		assert.Empty(t, out.Linked)
		assert.Len(t, w.history(rProf), 2)
		assert.Equal(t, d("2025-02-28"), w.due(rProf, workflow.OblFosterFamilyAssessment))
		kids, _, err := w.store.Index(w.ctx, workflow.CarerKey(rProf))
		require.NoError(t, err)
		assert.Len(t, kids, 2)
	})

	t.Run("foster_family_activated_by_a_move", func(t *testing.T) {
		w := newWorld(t, st)
		w.childIn("C1", "placed.institution")
		out := w.must("C1", "move", org, testDay, workflow.Args{"form": workflow.FormNonProfessional, "carer": rNonProf})
		require.Len(t, out.Linked, 1)
		assert.Equal(t, workflow.Active, w.caseOf(rNonProf).State)
		assert.Equal(t, "C1", w.history(rNonProf)[1].Cause)
	})

	t.Run("institution_has_no_lifecycle", func(t *testing.T) {
		w := newWorld(t, st)
		w.declareChild("C1", "", childBorn)
		out := w.must("C1", "place", org, testDay, placeArgs(workflow.FormInstitution))
		assert.Empty(t, out.Linked)
	})

	t.Run("family_children_via_index", func(t *testing.T) {
		w := newWorld(t, st)
		w.declareFamily("F1")
		w.declareChild("C1", "F1", "2018-04-04")
		w.declareChild("C2", "F1", "2019-04-04")
		w.declareChild("C3", "F2", "2019-04-04")
		w.must("C1", "place", org, testDay, placeArgs(workflow.FormKinship))
		cases, _, err := w.store.Index(w.ctx, workflow.FamilyKey("F1"))
		require.NoError(t, err)
		var ids []string
		for _, c := range cases {
			ids = append(ids, c.ID)
			assert.Equal(t, "F1", c.Child.Family)
		}
		assert.ElementsMatch(t, []string{"C1", "C2"}, ids)
	})

	t.Run("place_does_not_need_the_family_case", func(t *testing.T) {
		for _, setup := range []string{"declared", "referred", "implementing/court", "closed"} {
			w := newWorld(t, st)
			w.familyIn("F1", setup)
			w.declareChild("C1", "F1", childBorn)
			w.must("C1", "place", org, testDay, placeArgs(workflow.FormKinship))
			assert.Equal(t, workflow.PlacedKinship, w.caseOf("C1").State, setup)
		}
	})

	warned := func(dec rules.Decision) bool {
		for _, r := range dec.Warnings() {
			if r.Rule == "placement.family_support_first" {
				return true
			}
		}
		return false
	}
	for _, r := range []struct {
		name   string
		family string // family path; "" for a child without a family
		warn   bool
	}{
		{"family_support_first/no_family", "", true},
		{"family_support_first/family_without_case", "declared", true},
		{"family_support_first/family_without_assistant", "assistant_requested/consent", true},
		{"family_support_first/family_with_assistant", "implementing/court", false},
		{"family_support_first/work_ended", "closed", false},
		{"family_support_first/former_assistant_after_reopen", "closed+reopen", false},
	} {
		t.Run(r.name, func(t *testing.T) {
			w := newWorld(t, st)
			fam := ""
			if r.family != "" {
				fam = "F1"
				path, reopen := r.family, false
				if path == "closed+reopen" {
					path, reopen = "closed", true
				}
				w.familyIn("F1", path)
				if reopen {
					w.must("F1", "reopen", sw, "2024-02-15", nil)
				}
			}
			w.declareChild("C1", fam, childBorn)
			out := w.must("C1", "place", org, testDay, placeArgs(workflow.FormKinship))
			assert.True(t, out.Decision.Allowed, "a warning never blocks")
			assert.Equal(t, r.warn, warned(out.Decision))
			require.NotNil(t, out.Event.Decision)
			assert.Equal(t, r.warn, warned(*out.Event.Decision), "the warning is in the audit event")
			if r.warn {
				for _, res := range out.Decision.Warnings() {
					assert.NotEmpty(t, res.Message.PL)
					assert.NotEqual(t, res.Message.PL, res.Message.EN)
					assert.Contains(t, res.Basis, "112")
				}
			}
		})
	}

	t.Run("coordinator_cap_counts_foster_families", func(t *testing.T) {
		w := newWorld(t, st)
		for i := range 15 {
			id := fmt.Sprintf("Q%02d", i)
			w.declareFoster(id, workflow.FormKinship)
			w.must(id, "assign_coordinator", org, "2016-03-01", workflow.Args{"coordinator": "K1"})
		}
		cases, _, err := w.store.Index(w.ctx, workflow.CoordinatorKey("K1"))
		require.NoError(t, err)
		assert.Len(t, cases, 15)
		// Re-assigning a family already counted is not a 16th.
		w.must("Q03", "assign_coordinator", org, "2016-03-02", workflow.Args{"coordinator": "K1"})
		err = w.refuse(rHome, "assign_coordinator", org, "2016-03-02", workflow.Args{"coordinator": "K1"})
		assertKind(t, denied, err)
		// Another coordinator is free.
		w.must(rHome, "assign_coordinator", org, "2016-03-02", workflow.Args{"coordinator": "K2"})
	})

	t.Run("assistant_cap_counts_za_zyciem", func(t *testing.T) {
		load := func(w *world) {
			for i := range 15 {
				id := fmt.Sprintf("Z%02d", i)
				w.declareFamily(id)
				w.must(id, "apply_za_zyciem", sw, "2018-03-01", workflow.Args{"kind": "pregnancy"})
				w.must(id, "assign_assistant", head, "2018-03-01", workflow.Args{"assistant": "A1"})
			}
			w.declareFamily("X")
			for _, s := range familyPaths["assistant_requested/consent"] {
				w.must("X", s.trigger, s.who, "2018-03-01", s.args)
			}
		}
		w := newWorld(t, st)
		load(w)
		assertKind(t, denied, w.refuse("X", "assign_assistant", head, "2018-03-02", workflow.Args{"assistant": "A1"}))

		cfg, err := rules.ParseConfig("gmina.yaml", []byte("parameters:\n  assistant.count_za_zyciem_in_cap: false\n"))
		require.NoError(t, err)
		rs, err := rules.New(cfg)
		require.NoError(t, err)
		w = newWorld(t, st, workflow.WithRules(rs))
		load(w)
		w.must("X", "assign_assistant", head, "2018-03-02", workflow.Args{"assistant": "A1"})
	})
}
