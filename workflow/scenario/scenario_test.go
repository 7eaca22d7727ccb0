package scenario_test

import (
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTest runs a file and a folder through the go test helper.
func TestTest(t *testing.T) {
	scenario.Test(t, "testdata/cap.yaml")
	scenario.Test(t, "../../examples/scenarios/config/..")
}

// TestOutcomeAndCheckKind_String names every value, and never panics on
// one that is not a constant.
func TestOutcomeAndCheckKind_String(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{scenario.ExpectOK.String(), "ok"},
		{scenario.ExpectArgument.String(), "argument"},
		{scenario.Outcome(9).String(), "Outcome(9)"},
		{scenario.Outcome(-1).String(), "Outcome(-1)"},
		{scenario.CheckState.String(), "state"},
		{scenario.CheckLoad.String(), "load"},
		{scenario.CheckKind(9).String(), "CheckKind(9)"},
		{scenario.CheckKind(-2).String(), "CheckKind(-2)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.got)
	}
}

// TestValidate_handBuilt rejects, in a scenario built by hand, an outcome
// or a check kind that does not exist, at the step's position.
func TestValidate_handBuilt(t *testing.T) {
	at := rules.MustParseDate("2016-03-01")
	p := scenario.Pos{File: "hand.go", Line: 7}
	base := func() *scenario.Scenario {
		return &scenario.Scenario{File: "hand.go", Name: "by hand",
			Workers:  []workflow.Worker{{ID: "SW1", Role: workflow.SocialWorker}},
			Families: []scenario.Family{{ID: "F01", Difficulty: 1}}}
	}
	tests := []struct {
		name string
		step scenario.Step
		code rules.Code
	}{
		{"outcome", scenario.Step{Pos: p, At: at, Case: "F01", Do: "refer", By: "SW1",
			Expect: scenario.Expect{Pos: p, Outcome: scenario.Outcome(9)}}, rules.CodeBadValue},
		{"check kind", scenario.Step{Pos: p, At: at, Checks: []scenario.Check{{Pos: p, Kind: scenario.CheckKind(7), Case: "F01"}}},
			rules.CodeBadValue},
		{"no actor", scenario.Step{Pos: p, At: at, Case: "F01", Do: "refer"}, rules.CodeMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base()
			s.Steps = []scenario.Step{tt.step}
			errs := scenario.Validate(s, rules.Statute())
			require.Len(t, errs, 1, "%v", errs)
			assert.Equal(t, tt.code, errs[0].Code)
			assert.Equal(t, 7, errs[0].Line)
			assert.NotPanics(t, func() { _ = errs.Localize(rules.Polish) })
		})
	}
	s := base()
	s.Steps = []scenario.Step{{Pos: p, At: at, Case: "F01", Do: "refer", By: "SW1"}}
	assert.Empty(t, scenario.Validate(s, rules.Statute()), "a sound scenario built by hand")
}
