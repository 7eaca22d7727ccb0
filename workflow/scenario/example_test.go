package scenario_test

import (
	"context"
	"fmt"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/scenario"
)

// Parse reads a scenario from bytes; the name is used in positions and to
// find the configuration files it names.
func ExampleParse() {
	src := `name: consent, then an assistant
workers:
  - {id: SW1, role: social_worker}
  - {id: H1, role: ops_head}
  - {id: A1, role: family_assistant}
families:
  - {id: F01}
steps:
  - {at: 2016-03-01, case: F01, do: refer, by: SW1}
  - {at: 2016-03-10, case: F01, do: complete_interview, by: SW1}
  - {at: 2016-03-11, case: F01, do: request_assistant, by: SW1}
  - at: 2016-03-14
    case: F01
    do: assign_assistant
    by: H1
    with: {assistant: A1}
    expect: {denied: [assistant.basis_required]}
  - {at: 2016-03-15, case: F01, do: give_consent, by: SW1}
  - {at: 2016-03-16, case: F01, do: assign_assistant, by: H1, with: {assistant: A1}}
  - {at: 2016-03-16, check: {state: {F01: assistant_work}, load: {A1: 1}}}
`
	s, rs, err := scenario.Parse("consent.yaml", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Name, "-", len(s.Steps), "steps")
	fmt.Println("step 4 expects", s.Steps[3].Expect.Outcome, s.Steps[3].Expect.Rules, "at line", s.Steps[3].Expect.Pos.Line)
	rep, err := s.Run(context.Background(), rs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("passed:", rep.Passed())
	// Output:
	// consent, then an assistant - 7 steps
	// step 4 expects denied [assistant.basis_required] at line 17
	// passed: true
}

// A malformed scenario is never played: Parse reports every problem at
// once, each at file:line:col with a stable code, in English or Polish.
func ExampleParse_error() {
	src := `name: a malformed scenario
workers:
  - {id: SW1, role: social_worker, office: north}
families:
  - {id: F01}
steps:
  - {at: 2016-03-10, case: F01, do: refer, by: SW1}
  - {at: 2016-03-01, case: F02, do: complete_interview, by: SW1}
  - at: 2016-03-31
    check:
      state: {F01: interviewed}
`
	_, _, err := scenario.Parse("bad.yaml", []byte(src))
	for _, e := range rules.AsErrors(err) {
		fmt.Println(e.Localize(rules.English))
	}
	fmt.Println(rules.AsErrors(err)[0].Localize(rules.Polish))
	// Output:
	// bad.yaml:3:36: unknown key "office" (workers); allowed: id, role, fte, employer, area, from, to [unknown_key]
	// bad.yaml:8:5: the step dated 2016-03-01 comes before the previous one (2016-03-10): steps must be in date order [out_of_order]
	// bad.yaml:8:5: F02: case "F02" is not declared (families, children, foster_families) [unknown_id]
	// bad.yaml:11:15: interviewed: lifecycle family has no state "interviewed" [unknown_state]
	// bad.yaml:3:36: nieznany klucz "office" (workers); dozwolone: id, role, fte, employer, area, from, to [unknown_key]
}

// A Story writes a scenario in Go. Story.Test reports to a *testing.T;
// here the story is played directly and its report printed.
func ExampleStory() {
	st := scenario.NewStory("cap of 15 families from 2015").
		Worker("SW1", workflow.SocialWorker).Worker("H1", workflow.OPSHead).Worker("A1", workflow.FamilyAssistant).
		Family("F01", 1)
	st.At("2016-03-01").Do("F01", "refer").By("SW1")
	st.At("2016-03-10").Do("F01", "complete_interview").By("SW1")
	st.At("2016-03-11").Do("F01", "request_assistant").By("SW1")
	st.At("2016-03-14").Do("F01", "assign_assistant").By("H1").With("assistant", "A1").
		Denied("assistant.basis_required")
	st.At("2016-03-15").Do("F01", "give_consent").By("SW1")
	st.At("2016-03-16").Do("F01", "assign_assistant").By("H1").With("assistant", "A1").
		State("F01", "assistant_work.implementing").Due("F01", "family_assessment", "2016-09-16")

	s, rs, err := st.Scenario()
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := s.Run(context.Background(), rs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d steps, passed: %v\n", rep.Name, rep.Steps, rep.Passed())
	for _, f := range rep.Failures {
		// f.Pos is the Go line of the check; f.Localize prints it too.
		fmt.Printf("expected %s, got %s\n", f.Expected.EN, f.Got.EN)
	}
	// Output:
	// cap of 15 families from 2015: 6 steps, passed: false
	// expected F01 in state assistant_work.implementing, got state assistant_work.planning
}

// RunFile parses and plays one scenario file; failed expectations are in
// the report, each at its file:line.
func ExampleRunFile() {
	rep, err := scenario.RunFile(context.Background(), "testdata/run/overdue_review.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d steps, %d failed\n", rep.Name, rep.Steps, len(rep.Failures))
	for _, f := range rep.Failures {
		fmt.Println(f.Localize(rules.English))
		fmt.Println(f.Localize(rules.Polish))
	}
	// Output:
	// a review the organizer forgot: 5 steps, 1 failed
	// testdata/run/overdue_review.yaml:17: expected C1 child_review overdue on 2024-05-02, got due 2024-08-02, not yet overdue
	// testdata/run/overdue_review.yaml:17: oczekiwano C1 child_review po terminie w dniu 2024-05-02, jest termin 2024-08-02, jeszcze nie minął
}
