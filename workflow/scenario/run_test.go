package scenario_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// localized returns a report's failures in lang.
func localized(rep *scenario.Report, lang rules.Lang) []string {
	out := make([]string, len(rep.Failures))
	for i, f := range rep.Failures {
		out[i] = f.Localize(lang)
	}
	return out
}

// TestRun_expectations plays testdata/run/expectations.yaml, where every
// kind of expectation is first held and then broken, and checks the exact
// text of each failure in both languages: file:line, what was expected
// and what happened.
func TestRun_expectations(t *testing.T) {
	rep, err := scenario.RunFile(t.Context(), "testdata/run/expectations.yaml")
	require.NoError(t, err)
	assert.Equal(t, "every expectation, held and broken", rep.Name)
	assert.Equal(t, "testdata/run/expectations.yaml", rep.File)
	assert.Equal(t, 16, rep.Steps)
	assert.False(t, rep.Passed())
	const f = "testdata/run/expectations.yaml:"
	assert.Equal(t, []string{
		// A step that fails without expect.
		f + "11: expected F01 refer: success, got F01 refer: not permitted in state referred of lifecycle family",
		// forbidden expected, invalid happened.
		f + "14: expected F01 approve_plan: forbidden, got F01 approve_plan: not permitted in state referred of lifecycle family",
		// A step expected to fail that succeeds.
		f + "17: expected F01 complete_interview: invalid transition, got success",
		// denied with a rule not among the reasons.
		f + "21: expected F01 assign_assistant: denied (assistant.basis_required, assistant.max_families), got F01 family.assign_assistant denied: assistant.basis_required: An assistant may be assigned only with the family's consent, on a court obligation, on a 'Za życiem' application or under art. 11(1a) UWR.",
		f + "23: expected F01 assign_assistant: denied (assistant.basis_required), got success",
		f + "26: expected F01 approve_plan: an argument error, got success",
		f + "36: expected F01 in state assistant_work.planning, got state assistant_work.implementing",
		f + "38: expected F01 family_assessment due 2016-09-10, got due 2016-09-08",
		f + "39: expected F01 court_report due 2016-09-10, got no open court_report",
		f + "40: expected no open F01 family_assessment, got open, due 2016-09-08",
		f + "42: expected F01 family_assessment overdue on 2016-03-10, got due 2016-09-08, not yet overdue",
		f + "43: expected F01 interview overdue on 2016-03-10, got not open",
		f + "44: expected load of A1 = 2, got 1",
		f + "44: expected load of SW1 = 0, got 1",
	}, localized(rep, rules.English))
	assert.Equal(t, []string{
		f + "11: oczekiwano F01 refer: powodzenie, jest F01 refer: niedozwolone w stanie referred (cykl family)",
		f + "14: oczekiwano F01 approve_plan: brak uprawnień (forbidden), jest F01 approve_plan: niedozwolone w stanie referred (cykl family)",
		f + "17: oczekiwano F01 complete_interview: niedozwolone przejście (invalid), jest powodzenie",
		f + "21: oczekiwano F01 assign_assistant: odmowa (assistant.basis_required, assistant.max_families), jest F01 family.assign_assistant odmowa: assistant.basis_required: Asystenta można przydzielić tylko za zgodą rodziny, na podstawie zobowiązania sądu, wniosku „Za życiem” albo w trybie art. 11 ust. 1a UWR.",
		f + "23: oczekiwano F01 assign_assistant: odmowa (assistant.basis_required), jest powodzenie",
		f + "26: oczekiwano F01 approve_plan: błąd argumentu, jest powodzenie",
		f + "36: oczekiwano F01 w stanie assistant_work.planning, jest stan assistant_work.implementing",
		f + "38: oczekiwano F01 family_assessment z terminem 2016-09-10, jest termin 2016-09-08",
		f + "39: oczekiwano F01 court_report z terminem 2016-09-10, jest brak otwartego obowiązku court_report",
		f + "40: oczekiwano braku otwartego obowiązku F01 family_assessment, jest otwarty z terminem 2016-09-08",
		f + "42: oczekiwano F01 family_assessment po terminie w dniu 2016-03-10, jest termin 2016-09-08, jeszcze nie minął",
		f + "43: oczekiwano F01 interview po terminie w dniu 2016-03-10, jest brak otwartego obowiązku",
		f + "44: oczekiwano obciążenia A1 równego 2, jest 1",
		f + "44: oczekiwano obciążenia SW1 równego 0, jest 1",
	}, localized(rep, rules.Polish))
}

// play parses an inline scenario and runs it.
func play(t *testing.T, src string) *scenario.Report {
	t.Helper()
	s, rs, err := scenario.Parse("inline.yaml", []byte(src))
	require.NoError(t, err)
	rep, err := s.Run(t.Context(), rs)
	require.NoError(t, err)
	return rep
}

const header = `name: one step
workers:
  - {id: SW1, role: social_worker}
  - {id: H1, role: ops_head}
  - {id: A1, role: family_assistant}
families:
  - {id: F01}
steps:
  - {at: 2016-03-01, case: F01, do: refer, by: SW1}
  - {at: 2016-03-02, case: F01, do: complete_interview, by: SW1}
  - {at: 2016-03-03, case: F01, do: request_assistant, by: SW1}
`

// TestRun_outcomes checks each expected outcome against each actual one,
// all on assign_assistant: an expectation holds only when the outcome is
// the one expected.
func TestRun_outcomes(t *testing.T) {
	const consent = "  - {at: 2016-03-04, case: F01, do: give_consent, by: SW1}\n"
	const assign = "  - {at: 2016-03-05, case: F01, do: assign_assistant, by: H1, with: {assistant: A1}"
	// The steps that produce each outcome, after the header; the last one
	// is the step under test.
	actual := map[string]string{
		"ok":        consent + assign,
		"denied":    assign,
		"forbidden": "  - {at: 2016-03-05, case: F01, do: assign_assistant, by: SW1, with: {assistant: A1}",
		"invalid":   consent + assign + "}\n" + assign,
		"argument":  "  - {at: 2016-03-05, case: F01, do: assign_assistant, by: H1, with: {assistant: SW1}",
	}
	expect := map[string]string{
		"ok":        "",
		"denied":    ", expect: {denied: [assistant.basis_required]}",
		"forbidden": ", expect: {forbidden: true}",
		"invalid":   ", expect: {invalid: true}",
		"argument":  ", expect: {argument: true}",
	}
	for got, steps := range actual {
		for want, exp := range expect {
			t.Run(want+"/"+got, func(t *testing.T) {
				src := header + steps + exp + "}\n"
				rep := play(t, src)
				last := strings.Count(src, "\n") // the line of the step under test
				if want == got {
					assert.Empty(t, localized(rep, rules.English))
					return
				}
				require.Len(t, rep.Failures, 1, "expected %s, got %s", want, got)
				assert.Equal(t, "inline.yaml", rep.Failures[0].Pos.File)
				assert.Equal(t, last, rep.Failures[0].Pos.Line)
				assert.Contains(t, rep.Failures[0].Localize(rules.English), "expected F01 assign_assistant: ")
			})
		}
	}
}

// TestRun_deniedSubset: denied holds when every listed rule is among the
// reasons, whatever other rules also refuse.
func TestRun_deniedSubset(t *testing.T) {
	src := `name: two rules refuse
config: [../../examples/scenarios/config/gmina.yaml]
workers:
  - {id: SW1, role: social_worker}
  - {id: H1, role: ops_head}
  - {id: A1, role: family_assistant, fte: 0.1}
families:
  - {id: F01, difficulty: 2.0}
steps:
  - {at: 2024-03-01, case: F01, do: refer, by: SW1}
  - {at: 2024-03-02, case: F01, do: complete_interview, by: SW1}
  - {at: 2024-03-03, case: F01, do: request_assistant, by: SW1}
  - {at: 2024-03-04, case: F01, do: assign_assistant, by: H1, with: {assistant: A1}, expect: {denied: [assistant.basis_required]}}
  - {at: 2024-03-04, case: F01, do: assign_assistant, by: H1, with: {assistant: A1}, expect: {denied: [local.weighted_caseload]}}
  - {at: 2024-03-04, case: F01, do: assign_assistant, by: H1, with: {assistant: A1}, expect: {denied: [local.weighted_caseload, assistant.basis_required]}}
  - {at: 2024-03-04, case: F01, do: assign_assistant, by: H1, with: {assistant: A1}, expect: {denied: [assistant.max_families]}}
`
	// The configuration lies outside the scenario's folder: the root is
	// the repository's.
	s, rs, err := scenario.Parse("inline.yaml", []byte(src), scenario.WithRoot("../.."))
	require.NoError(t, err)
	rep, err := s.Run(t.Context(), rs)
	require.NoError(t, err)
	require.Len(t, rep.Failures, 1)
	assert.Equal(t, 16, rep.Failures[0].Pos.Line)
	assert.Contains(t, rep.Failures[0].Expected.EN, "denied (assistant.max_families)")
	assert.Contains(t, rep.Failures[0].Got.EN, "assistant.basis_required")
	assert.Contains(t, rep.Failures[0].Got.EN, "local.weighted_caseload")
}

// TestRun_passes reports a scenario whose expectations all hold.
func TestRun_passes(t *testing.T) {
	rep, err := scenario.RunFile(context.Background(), "testdata/cap.yaml")
	require.NoError(t, err)
	assert.True(t, rep.Passed())
	assert.Empty(t, rep.Failures)
	assert.Equal(t, "cap of 15 families from 2015", rep.Name)
	assert.Equal(t, 8, rep.Steps)
}

// TestRunFile_malformed returns the problems and no report.
func TestRunFile_malformed(t *testing.T) {
	rep, err := scenario.RunFile(t.Context(), "testdata/malformed/many.yaml")
	assert.Nil(t, rep)
	var errs rules.Errors
	require.True(t, errors.As(err, &errs))
	assert.True(t, errs.Has(scenario.CodeUnknownID))
}

// TestRun_cancelled stops when the context ends, and says so.
func TestRun_cancelled(t *testing.T) {
	s, rs, err := scenario.ParseFile("testdata/cap.yaml")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rep, err := s.Run(ctx, rs)
	require.ErrorIs(t, err, context.Canceled)
	if rep != nil {
		assert.Equal(t, 0, rep.Steps)
	}
}

// TestRun_nilRuleSet plays under the statute.
func TestRun_nilRuleSet(t *testing.T) {
	s, _, err := scenario.ParseFile("testdata/cap.yaml")
	require.NoError(t, err)
	rep, err := s.Run(t.Context(), nil)
	require.NoError(t, err)
	assert.True(t, rep.Passed(), "%v", localized(rep, rules.English))
}

// TestRun_setupError reports a world that cannot be set up: a scenario
// built by hand, with a foster family of an unknown form.
func TestRun_setupError(t *testing.T) {
	s := &scenario.Scenario{Name: "by hand", FosterFamilies: []scenario.FosterFamily{{ID: "R1", Form: "orphanage"}}}
	_, err := s.Run(t.Context(), nil)
	require.ErrorIs(t, err, workflow.ErrArgument)
}

// TestRun_parallel plays one parsed scenario many times at once: a
// Scenario is plain data and each run has its own engine.
func TestRun_parallel(t *testing.T) {
	s, rs, err := scenario.ParseFile("../../examples/scenarios/zobowiazanie_sadu.yaml")
	require.NoError(t, err)
	for i := range 8 {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			rep, err := s.Run(t.Context(), rs)
			if assert.NoError(t, err, "run %d", i) {
				assert.True(t, rep.Passed(), "%v", localized(rep, rules.English))
			}
		})
	}
}

// TestFailure_Localize formats a failure in both languages.
func TestFailure_Localize(t *testing.T) {
	f := scenario.Failure{Pos: scenario.Pos{File: "a.yaml", Line: 7, Col: 5},
		Expected: rules.Text{PL: "F01 w stanie closed", EN: "F01 in state closed"},
		Got:      rules.Text{PL: "stan monitoring", EN: "state monitoring"}}
	assert.Equal(t, "a.yaml:7: expected F01 in state closed, got state monitoring", f.Localize(rules.English))
	assert.Equal(t, "a.yaml:7: oczekiwano F01 w stanie closed, jest stan monitoring", f.Localize(rules.Polish))
}

// TestFiles expands folders into their *.yaml files, sorted, and keeps
// files as given.
func TestFiles_expand(t *testing.T) {
	files, err := scenario.Files("testdata/run", "testdata/cap.yaml")
	require.NoError(t, err)
	assert.Equal(t, []string{"testdata/run/expectations.yaml", "testdata/run/overdue_review.yaml", "testdata/cap.yaml"}, files)
	_, err = scenario.Files("testdata/none")
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// TestRun_warned: warned holds when the trigger succeeds and every listed
// rule is among its warnings; a success without that warning, or a
// refusal, fails it and says what happened.
func TestRun_warned(t *testing.T) {
	const plan = header + `  - {at: 2016-03-04, case: F01, do: give_consent, by: SW1}
  - {at: 2016-03-05, case: F01, do: assign_assistant, by: H1, with: {assistant: A1}}
`
	tests := []struct {
		name, step string
		got        string // "" for a pass, else the failure's Got in English
	}{
		{"the warning given", `  - {at: 2016-03-20, case: F01, do: approve_plan, by: A1, expect: {warned: [family_plan.social_worker_consulted]}}`, ""},
		{"no warning", `  - {at: 2016-03-20, case: F01, do: approve_plan, by: A1, with: {consulted: SW1}, expect: {warned: [family_plan.social_worker_consulted]}}`,
			"success without warnings"},
		{"refused", `  - {at: 2016-03-20, case: F01, do: approve_plan, by: SW1, expect: {warned: [family_plan.social_worker_consulted]}}`,
			"may not do this"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := play(t, plan+tt.step+"\n")
			if tt.got == "" {
				assert.Empty(t, localized(rep, rules.English))
				return
			}
			require.Len(t, rep.Failures, 1)
			f := rep.Failures[0]
			assert.Equal(t, "F01 approve_plan: success with a warning (family_plan.social_worker_consulted)", f.Expected.EN)
			assert.Equal(t, "F01 approve_plan: powodzenie z ostrzeżeniem (family_plan.social_worker_consulted)", f.Expected.PL)
			assert.Contains(t, f.Got.EN, tt.got)
			assert.Equal(t, []string{"family_plan.social_worker_consulted"}, f.Rules)
		})
	}
}

// TestParse_warnedRules: a warned rule must exist, govern the trigger and
// be a warning.
func TestParse_warnedRules(t *testing.T) {
	tests := []struct{ rule, code string }{
		{"family_plan.nope", "unknown_rule"},
		{"assistant.max_families", "rule_not_applicable"}, // a rule of assign_assistant
		{"due.plan_coordination", "rule_not_applicable"},  // a due rule of approve_plan: it never warns
		{"family_plan.social_worker_consulted", ""},       // a warning on approve_plan
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			src := header + "  - {at: 2016-03-20, case: F01, do: approve_plan, by: A1, expect: {warned: [" + tt.rule + "]}}\n"
			_, _, err := scenario.Parse("inline.yaml", []byte(src))
			if tt.code == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "["+tt.code+"]")
		})
	}
}
