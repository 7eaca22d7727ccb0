package rules_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
)

func day(s string) rules.Date { return rules.MustParseDate(s) }

var (
	trAssignAssistant   = rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "assign_assistant"}
	trAssignCoordinator = rules.Trigger{Lifecycle: rules.LifecycleFosterFamily, Name: "assign_coordinator"}
	trPlace             = rules.Trigger{Lifecycle: rules.LifecycleChild, Name: "place"}
	trMove              = rules.Trigger{Lifecycle: rules.LifecycleChild, Name: "move"}
	trReferForAdoption  = rules.Trigger{Lifecycle: rules.LifecycleChild, Name: "refer_for_adoption"}
)

// loadYAML parses and applies one configuration given as text.
func loadYAML(t *testing.T, name, src string) *rules.RuleSet {
	t.Helper()
	cfg, err := rules.ParseConfig(name, []byte(src))
	require.NoError(t, err)
	rs, err := rules.New(cfg)
	require.NoError(t, err)
	return rs
}

// assignment is an assign_assistant environment: an assistant already
// counting families, and a family with a basis.
func assignment(families int, zaZyciem bool) *rules.FamilyEnv {
	basis := "consent"
	if zaZyciem {
		basis = "za_zyciem"
	}
	return &rules.FamilyEnv{
		Base:   rules.Base{Actor: rules.Actor{ID: "H1", Role: "ops_head"}},
		Worker: rules.Worker{ID: "A1", Role: "family_assistant", FTE: 1, Families: families, Weight: float64(families)},
		Family: rules.Family{ID: "F1", Difficulty: 1, ZaZyciem: zaZyciem, Basis: basis, State: "assistant_requested"},
		Args:   rules.FamilyArgs{Assistant: "A1"},
	}
}

// placement is a place environment: a child born on born going to a carer
// of the form that already has children.
func placement(born string, form string, children int) *rules.ChildEnv {
	return &rules.ChildEnv{
		Child: rules.Child{ID: "C1", Born: day(born).Time(), State: "in_family", FamilySupport: true},
		Carer: rules.Carer{ID: "P1", Form: form, Children: children},
		Args:  rules.ChildArgs{Form: form, Carer: "P1", CourtRef: "III Nsm 1/24"},
	}
}

// guardCase is one decision on one trigger: denied lists the blocking
// rules expected to fail (none: allowed).
type guardCase struct {
	name   string
	rs     *rules.RuleSet // nil: the statute
	t      rules.Trigger
	on     string
	env    rules.Env
	denied []string
}

func runGuardCases(t *testing.T, tests []guardCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := tt.rs
			if rs == nil {
				rs = rules.Statute()
			}
			d, err := rs.Decide(tt.t, day(tt.on), tt.env)
			require.NoError(t, err)
			var unmet []string
			for _, r := range d.Unmet() {
				unmet = append(unmet, r.Rule)
			}
			assert.Equal(t, tt.denied, unmet, "unmet rules")
			assert.Equal(t, len(tt.denied) == 0, d.Allowed)
			assert.Equal(t, tt.t, d.Trigger)
			assert.Equal(t, day(tt.on), d.On)
			assert.Equal(t, rs.Revision(), d.Revision)
			assert.NotEmpty(t, d.Revision)
			if d.Allowed {
				assert.NoError(t, d.Err())
			} else {
				assert.ErrorIs(t, d.Err(), rules.ErrDenied)
			}
		})
	}
}

func TestRuleSet_Decide_assistantMaxFamilies(t *testing.T) {
	uncounted := loadYAML(t, "gmina.yaml", "parameters:\n  assistant.count_za_zyciem_in_cap: false\n")
	lowered := loadYAML(t, "gmina.yaml", "parameters:\n  assistant.max_families: 12\n")
	runGuardCases(t, []guardCase{
		{name: "15th family in 2016", t: trAssignAssistant, on: "2016-03-01", env: assignment(14, false)},
		{name: "16th family in 2016", t: trAssignAssistant, on: "2016-03-01", env: assignment(15, false), denied: []string{"assistant.max_families"}},
		{name: "16th family on 2015-01-01", t: trAssignAssistant, on: "2015-01-01", env: assignment(15, false), denied: []string{"assistant.max_families"}},
		{name: "20th family in 2014", t: trAssignAssistant, on: "2014-06-01", env: assignment(19, false)},
		{name: "20th family on 2014-12-31", t: trAssignAssistant, on: "2014-12-31", env: assignment(19, false)},
		{name: "21st family in 2014", t: trAssignAssistant, on: "2014-06-01", env: assignment(20, false), denied: []string{"assistant.max_families"}},
		{name: "Za życiem family counts under the statute", t: trAssignAssistant, on: "2024-03-01", env: assignment(15, true), denied: []string{"assistant.max_families"}},
		{name: "Za życiem family not counted by the gmina", rs: uncounted, t: trAssignAssistant, on: "2024-03-01", env: assignment(15, true)},
		{name: "other family still counted by the gmina", rs: uncounted, t: trAssignAssistant, on: "2024-03-01", env: assignment(15, false), denied: []string{"assistant.max_families"}},
		{name: "12th family under a lowered cap", rs: lowered, t: trAssignAssistant, on: "2024-03-01", env: assignment(11, false)},
		{name: "13th family under a lowered cap", rs: lowered, t: trAssignAssistant, on: "2024-03-01", env: assignment(12, false), denied: []string{"assistant.max_families"}},
	})
}

func TestRuleSet_Decide_assistantBasisRequired(t *testing.T) {
	tests := []guardCase{}
	for _, basis := range []string{"consent", "court_order", "za_zyciem", "mandatory"} {
		env := assignment(0, false)
		env.Family.Basis = basis
		tests = append(tests, guardCase{name: basis, t: trAssignAssistant, on: "2024-03-01", env: env})
	}
	none := assignment(0, false)
	none.Family.Basis = ""
	tests = append(tests, guardCase{name: "no basis", t: trAssignAssistant, on: "2024-03-01", env: none, denied: []string{"assistant.basis_required"}})
	both := assignment(15, false)
	both.Family.Basis = ""
	tests = append(tests, guardCase{name: "no basis and over the cap", t: trAssignAssistant, on: "2024-03-01", env: both,
		denied: []string{"assistant.basis_required", "assistant.max_families"}})
	runGuardCases(t, tests)
}

func TestRuleSet_Decide_coordinatorMaxFosterFamilies(t *testing.T) {
	coordinator := func(n int) *rules.FosterFamilyEnv {
		return &rules.FosterFamilyEnv{
			FosterFamily: rules.FosterFamily{ID: "R1", Form: "professional_foster_family", State: "active"},
			Worker:       rules.Worker{ID: "K1", Role: "foster_care_coordinator", FTE: 1, FosterFamilies: n},
			Args:         rules.FosterFamilyArgs{Coordinator: "K1"},
		}
	}
	runGuardCases(t, []guardCase{
		{name: "15th in 2016", t: trAssignCoordinator, on: "2016-05-01", env: coordinator(14)},
		{name: "16th in 2016", t: trAssignCoordinator, on: "2016-05-01", env: coordinator(15), denied: []string{"coordinator.max_foster_families"}},
		{name: "30th in 2014", t: trAssignCoordinator, on: "2014-05-01", env: coordinator(29)},
		{name: "31st in 2014", t: trAssignCoordinator, on: "2014-05-01", env: coordinator(30), denied: []string{"coordinator.max_foster_families"}},
	})
}

func TestRuleSet_Decide_fosterFamilyMaxChildren(t *testing.T) {
	siblings := placement("2018-01-01", "professional_foster_family", 3)
	siblings.Args.Siblings = true
	runGuardCases(t, []guardCase{
		{name: "3rd child, professional", t: trPlace, on: "2024-03-01", env: placement("2018-01-01", "professional_foster_family", 2)},
		{name: "4th child, professional", t: trPlace, on: "2024-03-01", env: placement("2018-01-01", "professional_foster_family", 3), denied: []string{"foster_family.max_children"}},
		{name: "4th child, non-professional", t: trPlace, on: "2024-03-01", env: placement("2018-01-01", "non_professional_foster_family", 3), denied: []string{"foster_family.max_children"}},
		{name: "4th child, emergency home", t: trPlace, on: "2024-03-01", env: placement("2018-01-01", "emergency_family_home", 3), denied: []string{"foster_family.max_children"}},
		{name: "4th child, siblings", t: trPlace, on: "2024-03-01", env: siblings},
		{name: "6th child, kinship: no limit", t: trPlace, on: "2024-03-01", env: placement("2018-01-01", "kinship_foster_family", 5)},
		{name: "move into a full family", t: trMove, on: "2024-03-01", env: placement("2018-01-01", "professional_foster_family", 3), denied: []string{"foster_family.max_children"}},
	})
}

func TestRuleSet_Decide_familyChildrensHomeMaxChildren(t *testing.T) {
	siblings := placement("2018-01-01", "family_childrens_home", 8)
	siblings.Args.Siblings = true
	runGuardCases(t, []guardCase{
		{name: "8th child", t: trPlace, on: "2024-03-01", env: placement("2018-01-01", "family_childrens_home", 7)},
		{name: "9th child", t: trPlace, on: "2024-03-01", env: placement("2018-01-01", "family_childrens_home", 8), denied: []string{"family_childrens_home.max_children"}},
		{name: "9th child, siblings", t: trPlace, on: "2024-03-01", env: siblings},
	})
}

func TestRuleSet_Decide_institutionMaxChildren(t *testing.T) {
	runGuardCases(t, []guardCase{
		{name: "14th child", t: trPlace, on: "2024-03-01", env: placement("2010-01-01", "institution", 13)},
		{name: "15th child", t: trPlace, on: "2024-03-01", env: placement("2010-01-01", "institution", 14), denied: []string{"institution.max_children"}},
	})
}

func TestRuleSet_Decide_institutionMinAge(t *testing.T) {
	exception := placement("2015-06-01", "institution", 0)
	exception.Args.Exception = "siblings"
	health := placement("2020-06-01", "institution", 0)
	health.Args.Exception = "health"
	runGuardCases(t, []guardCase{
		{name: "on the 10th birthday (2021+)", t: trPlace, on: "2021-06-01", env: placement("2011-06-01", "institution", 0), denied: []string{"institution.min_age"}},
		{name: "the day after the 10th birthday", t: trPlace, on: "2021-06-02", env: placement("2011-06-01", "institution", 0)},
		{name: "on the 10th birthday, 2020-01-01 rule", t: trPlace, on: "2020-03-15", env: placement("2010-03-15", "institution", 0), denied: []string{"institution.min_age"}},
		{name: "8 years old in 2021", t: trPlace, on: "2021-01-10", env: placement("2013-01-01", "institution", 0), denied: []string{"institution.min_age"}},
		{name: "on the 7th birthday, 2019", t: trPlace, on: "2019-05-10", env: placement("2012-05-10", "institution", 0), denied: []string{"institution.min_age"}},
		{name: "the day after the 7th birthday, 2019", t: trPlace, on: "2019-05-11", env: placement("2012-05-10", "institution", 0)},
		{name: "8 years old on 2019-12-31", t: trPlace, on: "2019-12-31", env: placement("2011-06-01", "institution", 0)},
		{name: "the same child on 2020-01-01", t: trPlace, on: "2020-01-01", env: placement("2011-06-01", "institution", 0), denied: []string{"institution.min_age"}},
		{name: "exception: siblings", t: trPlace, on: "2024-03-01", env: exception},
		{name: "exception: health, a toddler", t: trPlace, on: "2024-03-01", env: health},
		{name: "a toddler to a foster family", t: trPlace, on: "2024-03-01", env: placement("2023-06-01", "professional_foster_family", 0)},
		{name: "move of a young child into an institution", t: trMove, on: "2024-03-01", env: placement("2020-01-01", "institution", 0), denied: []string{"institution.min_age"}},
	})
}

func TestRuleSet_Decide_adoptionLegalStatusSettled(t *testing.T) {
	env := func(settled bool) *rules.ChildEnv {
		return &rules.ChildEnv{Child: rules.Child{ID: "C1", Born: day("2020-01-01").Time(), State: "placed.professional_foster_family",
			Form: "professional_foster_family", LegalStatusSettled: settled}}
	}
	runGuardCases(t, []guardCase{
		{name: "not settled", t: trReferForAdoption, on: "2024-03-01", env: env(false), denied: []string{"adoption.legal_status_settled"}},
		{name: "settled", t: trReferForAdoption, on: "2024-03-01", env: env(true)},
	})
}

func TestRuleSet_Decide_denialExplained(t *testing.T) {
	lowered := loadYAML(t, "gmina.yaml", "name: Gmina\nparameters:\n  assistant.max_families: 12\n")
	tests := []struct {
		name         string
		rs           *rules.RuleSet
		on           string
		families     int
		pl, en       string
		value        int
		source       string
		zaZyciemFrom string
	}{
		{"2016", rules.Statute(), "2016-03-01", 15,
			"Asystent rodziny może pracować jednocześnie z najwyżej 15 rodzinami.",
			"A family assistant may work with at most 15 families at the same time.", 15, "statute", "statute"},
		{"2014", rules.Statute(), "2014-03-01", 20,
			"Asystent rodziny może pracować jednocześnie z najwyżej 20 rodzinami.",
			"A family assistant may work with at most 20 families at the same time.", 20, "statute", "statute"},
		{"gmina", lowered, "2024-03-01", 12,
			"Asystent rodziny może pracować jednocześnie z najwyżej 12 rodzinami.",
			"A family assistant may work with at most 12 families at the same time.", 12, "gmina.yaml:3", "statute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := tt.rs.Decide(trAssignAssistant, day(tt.on), assignment(tt.families, false))
			require.NoError(t, err)
			assert.False(t, d.Allowed)
			require.Len(t, d.Unmet(), 1)
			u := d.Unmet()[0]
			assert.Equal(t, "assistant.max_families", u.Rule)
			assert.False(t, u.Passed)
			assert.Equal(t, rules.KindGuard, u.Kind)
			assert.Equal(t, rules.Block, u.Severity)
			assert.Equal(t, "art. 15 ust. 4 UWR", u.Basis)
			assert.Equal(t, "statute", u.Source)
			assert.Empty(t, u.Error)
			assert.Equal(t, tt.pl, u.Message.In(rules.Polish))
			assert.Equal(t, tt.en, u.Message.In(rules.English))

			// Every guard on the trigger is listed, passed or not.
			ids := map[string]bool{}
			for _, r := range d.Rules {
				ids[r.Rule] = true
				if r.Passed {
					assert.True(t, r.Message.IsZero(), "%s passed: no message", r.Rule)
				}
			}
			assert.True(t, ids["assistant.basis_required"])

			params := map[string]rules.ParamUse{}
			for _, p := range d.Params {
				params[p.ID] = p
			}
			require.Contains(t, params, "assistant.max_families")
			assert.Equal(t, tt.value, params["assistant.max_families"].Value)
			assert.Equal(t, tt.source, params["assistant.max_families"].Source)
			assert.Equal(t, "art. 15 ust. 4 UWR", params["assistant.max_families"].Basis)
			require.Contains(t, params, "assistant.count_za_zyciem_in_cap")
			assert.Equal(t, true, params["assistant.count_za_zyciem_in_cap"].Value)
			assert.Equal(t, tt.zaZyciemFrom, params["assistant.count_za_zyciem_in_cap"].Source)

			err = d.Err()
			require.Error(t, err)
			assert.True(t, errors.Is(err, rules.ErrDenied))
			var denied *rules.DeniedError
			require.True(t, errors.As(err, &denied))
			assert.Equal(t, []string{"assistant.max_families"}, denied.RuleIDs())
			assert.Equal(t, trAssignAssistant, denied.Trigger)
			assert.Equal(t, "family.assign_assistant denied: assistant.max_families: "+tt.en, err.Error())
			assert.Equal(t, "family.assign_assistant odmowa: assistant.max_families: "+tt.pl, denied.Localize(rules.Polish))
		})
	}
}

func TestRuleSet_Decide_warning(t *testing.T) {
	env := placement("2018-01-01", "professional_foster_family", 0)
	env.Child.FamilySupport = false
	d, err := rules.Statute().Decide(trPlace, day("2024-03-01"), env)
	require.NoError(t, err)
	assert.True(t, d.Allowed, "a warning does not block")
	assert.NoError(t, d.Err())
	assert.Empty(t, d.Unmet())
	require.Len(t, d.Warnings(), 1)
	w := d.Warnings()[0]
	assert.Equal(t, "placement.family_support_first", w.Rule)
	assert.Equal(t, rules.Warn, w.Severity)
	assert.NotEmpty(t, w.Message.PL)
}

func TestRuleSet_Decide_wrongInput(t *testing.T) {
	rs := rules.Statute()
	_, err := rs.Decide(trPlace, day("2024-03-01"), assignment(0, false))
	assert.ErrorIs(t, err, rules.ErrWrongEnv)
	_, err = rs.Decide(trAssignAssistant, day("2011-12-31"), assignment(0, false))
	assert.ErrorIs(t, err, rules.ErrNotInForce)
}

func TestRuleSet_Decide_noRules(t *testing.T) {
	d, err := rules.Statute().Decide(rules.Trigger{Lifecycle: rules.LifecycleFamily, Name: "complete_interview"}, day("2024-03-01"), &rules.FamilyEnv{})
	require.NoError(t, err)
	assert.True(t, d.Allowed)
	assert.Empty(t, d.Rules)
	assert.Empty(t, d.Params)
}

func TestDecision_JSON(t *testing.T) {
	d, err := rules.Statute().Decide(trAssignAssistant, day("2016-03-01"), assignment(15, false))
	require.NoError(t, err)
	data, err := json.Marshal(d)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(data, &got))
	assert.Equal(t, "family.assign_assistant", got["trigger"])
	assert.Equal(t, "2016-03-01", got["on"])
	assert.Equal(t, false, got["allowed"])
	assert.Equal(t, d.Revision, got["revision"])
	rulesJSON := got["rules"].([]any)
	require.NotEmpty(t, rulesJSON)
	first := rulesJSON[0].(map[string]any)
	assert.Equal(t, "guard", first["kind"])
	assert.Equal(t, "block", first["severity"])
	assert.NotContains(t, string(data), "A1", "decisions hold rule and parameter IDs, not the case's data")
}

// dueCase is one due date: rule, date, environment, expected date.
type dueCase struct {
	name string
	rs   *rules.RuleSet
	rule string
	on   string
	env  rules.Env
	want string
}

func runDueCases(t *testing.T, tests []dueCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := tt.rs
			if rs == nil {
				rs = rules.Statute()
			}
			got, err := rs.Due(tt.rule, day(tt.on), tt.env)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}
}

func TestRuleSet_Due_interview(t *testing.T) {
	refer := func(urgent bool) *rules.FamilyEnv { return &rules.FamilyEnv{Args: rules.FamilyArgs{Urgent: urgent}} }
	runDueCases(t, []dueCase{
		{name: "14 working days", rule: "due.interview", on: "2024-03-01", env: refer(false), want: "2024-03-21"},
		{name: "urgent: 2 working days", rule: "due.interview", on: "2024-03-01", env: refer(true), want: "2024-03-05"},
		{name: "over Easter 2024", rule: "due.interview", on: "2024-03-25", env: refer(false), want: "2024-04-15"},
		// 24 December is a holiday from 2025 on.
		{name: "into 24 Dec 2024, a working day", rule: "due.interview", on: "2024-12-04", env: refer(false), want: "2024-12-24"},
		{name: "across Christmas 2025", rule: "due.interview", on: "2025-12-04", env: refer(false), want: "2025-12-29"},
		{name: "urgent across Christmas 2024", rule: "due.interview", on: "2024-12-23", env: refer(true), want: "2024-12-27"},
		{name: "urgent across Christmas 2025", rule: "due.interview", on: "2025-12-22", env: refer(true), want: "2025-12-29"},
		{name: "over New Year and Epiphany 2025/26", rule: "due.interview", on: "2025-12-15", env: refer(false), want: "2026-01-09"},
		{name: "referral on a Saturday", rule: "due.interview", on: "2024-03-02", env: refer(true), want: "2024-03-05"},
	})
}

func TestRuleSet_Due_familyAssessment(t *testing.T) {
	env := &rules.FamilyEnv{}
	runDueCases(t, []dueCase{
		{name: "31 Aug + 6 months", rule: "due.family_assessment", on: "2024-08-31", env: env, want: "2025-02-28"},
		{name: "31 Aug + 6 months, leap year", rule: "due.family_assessment", on: "2023-08-31", env: env, want: "2024-02-29"},
		{name: "30 Nov + 6 months", rule: "due.family_assessment", on: "2024-11-30", env: env, want: "2025-05-30"},
		{name: "mid month", rule: "due.family_assessment", on: "2024-01-15", env: env, want: "2024-07-15"},
	})
}

func TestRuleSet_Due_childReview(t *testing.T) {
	child := func(born string) *rules.ChildEnv {
		return &rules.ChildEnv{Child: rules.Child{ID: "C1", Born: day(born).Time()}}
	}
	runDueCases(t, []dueCase{
		{name: "2 years old: 3 months", rule: "due.child_review", on: "2024-05-09", env: child("2021-05-10"), want: "2024-08-09"},
		{name: "3rd birthday: 6 months", rule: "due.child_review", on: "2024-05-10", env: child("2021-05-10"), want: "2024-11-10"},
		{name: "newborn, 30 Nov: end of February", rule: "due.child_review", on: "2024-11-30", env: child("2024-11-01"), want: "2025-02-28"},
		{name: "teenager", rule: "due.child_review", on: "2024-08-31", env: child("2010-01-01"), want: "2025-02-28"},
	})
}

func TestRuleSet_Due_childObligations(t *testing.T) {
	placed := func(on string, extended bool) *rules.ChildEnv {
		return &rules.ChildEnv{Child: rules.Child{ID: "C1", Born: day("2019-01-01").Time(), PlacedOn: day(on).Time(), FirstPlaced: day(on).Time(), EmergencySince: day(on).Time(), StayExtended: extended}}
	}
	runDueCases(t, []dueCase{
		{name: "court report", rule: "due.court_report", on: "2024-01-31", env: placed("2024-01-31", false), want: "2024-07-31"},
		{name: "court report, leap February", rule: "due.court_report", on: "2023-08-31", env: placed("2023-08-31", false), want: "2024-02-29"},
		{name: "legal status motion", rule: "due.legal_status_motion", on: "2024-01-15", env: placed("2024-01-15", false), want: "2025-07-15"},
		{name: "emergency stay: 4 months", rule: "due.emergency_stay_end", on: "2024-03-31", env: placed("2024-03-31", false), want: "2024-07-31"},
		{name: "emergency stay extended: 8 months", rule: "due.emergency_stay_end", on: "2024-05-10", env: placed("2024-03-31", true), want: "2024-11-30"},
		{name: "emergency stay counts from the admission to emergency care", rule: "due.emergency_stay_end", on: "2024-06-01", env: placed("2024-03-31", false), want: "2024-07-31"},
	})
}

func TestRuleSet_Due_fosterFamilyAssessment(t *testing.T) {
	// A due rule sees the case after the trigger: on assess, the result
	// recorded is the case's last result.
	ff := func(assessments int, result string) *rules.FosterFamilyEnv {
		return &rules.FosterFamilyEnv{FosterFamily: rules.FosterFamily{ID: "R1", Form: "professional_foster_family", State: "active",
			Assessments: assessments, LastResult: result}, Args: rules.FosterFamilyArgs{Result: result}}
	}
	runDueCases(t, []dueCase{
		{name: "first child placed: 12", rule: "due.foster_family_assessment", on: "2024-01-15", env: ff(0, ""), want: "2025-01-15"},
		{name: "first assessment positive: 12", rule: "due.foster_family_assessment", on: "2024-01-15", env: ff(1, "positive"), want: "2025-01-15"},
		{name: "second assessment: 36", rule: "due.foster_family_assessment", on: "2024-01-15", env: ff(2, "positive"), want: "2027-01-15"},
		{name: "later assessment: 36", rule: "due.foster_family_assessment", on: "2024-01-15", env: ff(5, "positive"), want: "2027-01-15"},
		{name: "first assessment negative: 6", rule: "due.foster_family_assessment", on: "2024-01-15", env: ff(1, "negative"), want: "2024-07-15"},
		{name: "later assessment negative: 6", rule: "due.foster_family_assessment", on: "2024-08-31", env: ff(3, "negative"), want: "2025-02-28"},
	})
}

func TestRuleSet_Due_familyObligations(t *testing.T) {
	monitoring := loadYAML(t, "gmina.yaml", "parameters:\n  family.post_closure_monitoring: 6\n")
	dated := loadYAML(t, "gmina.yaml", "parameters:\n  family.post_closure_monitoring:\n    - {value: 3, from: 2025-01-01}\n")
	court := func(args, family int) *rules.FamilyEnv {
		return &rules.FamilyEnv{Family: rules.Family{Basis: "court_order", ReportEveryMonths: family}, Args: rules.FamilyArgs{ReportEveryMonths: args, CourtRef: "III Nsm 1/24"}}
	}
	runDueCases(t, []dueCase{
		{name: "monitoring 6 months", rs: monitoring, rule: "due.monitoring_end", on: "2024-08-31", env: &rules.FamilyEnv{}, want: "2025-02-28"},
		{name: "monitoring from a dated value", rs: dated, rule: "due.monitoring_end", on: "2025-03-31", env: &rules.FamilyEnv{}, want: "2025-06-30"},
		{name: "monitoring before the dated value", rs: dated, rule: "due.monitoring_end", on: "2024-12-31", env: &rules.FamilyEnv{}, want: "2024-12-31"},
		// A due rule sees the case after the trigger: court_obligation has
		// recorded the order's interval.
		{name: "court obligation every 3 months", rule: "due.family_court_report", on: "2024-11-30", env: court(3, 3), want: "2025-02-28"},
		{name: "report to court: the order's interval", rule: "due.family_court_report", on: "2025-02-28", env: court(0, 3), want: "2025-05-28"},
		{name: "no interval given: 6 months", rule: "due.family_court_report", on: "2024-01-31", env: court(0, 0), want: "2024-07-31"},
	})
}

func TestRuleSet_Due_errors(t *testing.T) {
	rs := rules.Statute()
	_, err := rs.Due("due.nothing", day("2024-01-01"), &rules.FamilyEnv{})
	assert.Error(t, err)
	_, err = rs.Due("assistant.max_families", day("2024-01-01"), &rules.FamilyEnv{})
	assert.ErrorContains(t, err, "not a due rule")
	_, err = rs.Due("due.interview", day("2011-06-01"), &rules.FamilyEnv{})
	assert.ErrorIs(t, err, rules.ErrNotInForce)
	_, err = rs.Due("due.interview", day("2024-01-01"), &rules.ChildEnv{})
	assert.ErrorIs(t, err, rules.ErrWrongEnv)
	var ee *rules.EvalError
	assert.True(t, errors.As(err, &ee))
	assert.Equal(t, "due.interview", ee.Rule)
	_, err = rs.Limit("due.interview", day("2024-01-01"), &rules.FamilyEnv{})
	assert.Error(t, err)
}

func TestRuleSet_Limit(t *testing.T) {
	rs := loadYAML(t, "gmina.yaml", `rules:
  - id: local.cap
    on: assign_assistant
    kind: limit
    expr: 12 * worker.fte
`)
	env := assignment(3, false)
	env.Worker.FTE = 0.5
	got, err := rs.Limit("local.cap", day("2024-01-01"), env)
	require.NoError(t, err)
	assert.InDelta(t, 6.0, got, 1e-9)
	d, err := rs.Decide(trAssignAssistant, day("2024-01-01"), env)
	require.NoError(t, err)
	for _, r := range d.Rules {
		assert.NotEqual(t, "local.cap", r.Rule, "Decide runs guards only")
	}
}

func TestProgram_Eval_fillsAge(t *testing.T) {
	rs := loadYAML(t, "powiat.yaml", `level: county
rules:
  - id: local.teen
    on: place
    severity: warn
    expr: child.age < 13
    message: {pl: "Nastolatek.", en: "A teenager."}
`)
	p, ok := rs.Program("local.teen")
	require.True(t, ok)
	env := placement("2010-06-01", "institution", 0)
	res, err := p.Eval(day("2023-05-31"), env)
	require.NoError(t, err)
	assert.True(t, res.Passed)
	assert.Equal(t, 12, env.Child.Age)
	res, err = p.Eval(day("2023-06-01"), env)
	require.NoError(t, err)
	assert.False(t, res.Passed)
	assert.Equal(t, 13, env.Child.Age)
	assert.Equal(t, time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC), env.On)
}

func TestRuleSet_Decide_messagesAndParams(t *testing.T) {
	coordinator := &rules.FosterFamilyEnv{Worker: rules.Worker{ID: "K1", FosterFamilies: 15}}
	tests := []struct {
		rule  string
		t     rules.Trigger
		env   rules.Env
		param string // the parameter the message and Params show
		value string
	}{
		{"assistant.max_families", trAssignAssistant, assignment(15, false), "assistant.max_families", "15"},
		{"coordinator.max_foster_families", trAssignCoordinator, coordinator, "coordinator.max_foster_families", "15"},
		{"foster_family.max_children", trPlace, placement("2018-01-01", "professional_foster_family", 3), "foster_family.max_children", "3"},
		{"family_childrens_home.max_children", trPlace, placement("2018-01-01", "family_childrens_home", 8), "family_childrens_home.max_children", "8"},
		{"institution.max_children", trPlace, placement("2010-01-01", "institution", 14), "institution.max_children", "14"},
		{"institution.min_age", trPlace, placement("2016-01-01", "institution", 0), "institution.min_age", "10"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			d, err := rules.Statute().Decide(tt.t, day("2024-03-01"), tt.env)
			require.NoError(t, err)
			assert.False(t, d.Allowed)
			assert.NotEmpty(t, d.Revision)
			require.Len(t, d.Unmet(), 1)
			u := d.Unmet()[0]
			assert.Equal(t, tt.rule, u.Rule)
			assert.Contains(t, u.Message.In(rules.Polish), tt.value, "the Polish message shows the value in force")
			assert.Contains(t, u.Message.In(rules.English), tt.value, "the English message shows the value in force")
			assert.NotContains(t, u.Message.PL+u.Message.EN, "{", "no placeholder is left")
			var found bool
			for _, p := range d.Params {
				if p.ID == tt.param {
					found = true
					assert.Equal(t, tt.value, fmt.Sprint(p.Value))
					assert.Equal(t, "statute", p.Source)
					assert.NotEmpty(t, p.Basis)
				}
			}
			assert.True(t, found, "Params lists %s: %v", tt.param, d.Params)
			var denied *rules.DeniedError
			require.ErrorAs(t, d.Err(), &denied)
			assert.Equal(t, []string{tt.rule}, denied.RuleIDs())
			assert.ErrorIs(t, d.Err(), rules.ErrDenied)
			assert.Contains(t, denied.Localize(rules.Polish), u.Message.PL)
		})
	}
}
