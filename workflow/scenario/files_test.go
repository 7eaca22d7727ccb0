package scenario_test

import (
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClassify tells scenarios, configuration files and other YAML apart
// by their top-level keys.
func TestClassify(t *testing.T) {
	tests := []struct {
		name, data string
		want       scenario.FileKind
	}{
		{"scenario", "name: x\nsteps: []\n", scenario.FileScenario},
		{"scenario without steps yet", "name: x\nworkers: []\n", scenario.FileScenario},
		{"configuration", "name: Gmina\nparameters: {assistant.max_families: 12}\n", scenario.FileConfig},
		{"configuration with rules only", "rules: []\n", scenario.FileConfig},
		{"county level", "level: county\n", scenario.FileConfig},
		{"both: a scenario with a stray key", "steps: []\nparameters: {}\n", scenario.FileScenario},
		{"neither", "services: {web: {image: x}}\n", scenario.FileOther},
		{"only a name", "name: x\n", scenario.FileOther},
		{"a list", "- a\n- b\n", scenario.FileOther},
		{"empty", "", scenario.FileOther},
		{"not YAML: parsed as a scenario to say why", "steps: [\n", scenario.FileScenario},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, scenario.Classify([]byte(tt.data)))
		})
	}
}

// TestFiles_skipsConfigurationsBeside checks the README's layout: a
// configuration file beside the scenario that names it is not run.
func TestFiles_skipsConfigurationsBeside(t *testing.T) {
	files, err := scenario.Files("testdata/beside")
	require.NoError(t, err)
	assert.Equal(t, []string{"testdata/beside/cap.yaml"}, files)
	// Named on its own, a file is kept: parsing says what it is.
	files, err = scenario.Files("testdata/beside/gmina.yaml")
	require.NoError(t, err)
	assert.Equal(t, []string{"testdata/beside/gmina.yaml"}, files)
	scenario.Test(t, "testdata/beside")
}

// TestParse_notScenario reports a configuration file, or a file of neither
// format, with one problem at its first line instead of one per key.
func TestParse_notScenario(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"configuration", "name: Gmina\nparameters:\n  assistant.max_families: 12\n",
			"f.yaml:1:1: a configuration file, not a scenario (it has no steps): check it with asysta check, or name it in a scenario's config [not_scenario]"},
		{"neither", "services:\n  web: {}\n",
			"f.yaml:1:1: neither a scenario (no steps) nor a configuration file (no parameters, rules or level); not run [not_scenario]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := scenario.Parse("f.yaml", []byte(tt.data))
			errs := rules.AsErrors(err)
			require.Len(t, errs, 1)
			assert.Equal(t, tt.want, errs[0].Localize(rules.English))
			assert.NotContains(t, errs[0].Localize(rules.Polish), "scenario (")
		})
	}
}

// TestSubtestName keeps letters and digits and joins the rest with _.
func TestSubtestName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"the municipal cap of 12 families", "the_municipal_cap_of_12_families"},
		{"zgoda i Wielkanoc: termin wywiadu", "zgoda_i_Wielkanoc_termin_wywiadu"},
		{"a/b (c)", "a_b_c"},
		{"  ", "scenario"},
		{"v1.2-beta", "v1.2-beta"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, scenario.SubtestName(tt.in), tt.in)
	}
}

// TestWithTrace records each fired step's decision, the parameters read
// and the obligations opened and closed.
func TestWithTrace(t *testing.T) {
	rep, err := scenario.RunFile(t.Context(), "testdata/beside/cap.yaml", scenario.WithTrace())
	require.NoError(t, err)
	require.True(t, rep.Passed())
	require.Len(t, rep.Trace, 6)

	assigned := rep.Trace[3]
	assert.Equal(t, "F1", assigned.Case)
	assert.Equal(t, "assign_assistant", assigned.Trigger)
	assert.Equal(t, "success", assigned.Result.EN)
	require.NotNil(t, assigned.Decision)
	assert.True(t, assigned.Decision.Allowed)
	var ids []string
	for _, o := range assigned.Opened {
		ids = append(ids, o.ID+" "+o.Due.String())
	}
	assert.Equal(t, []string{"family_assessment 2025-09-04"}, ids)
	var cap rules.ParamUse
	for _, p := range assigned.Decision.Params {
		if p.ID == "assistant.max_families" {
			cap = p
		}
	}
	assert.Equal(t, rules.ParamUse{ID: "assistant.max_families", Value: 2, Source: "testdata/beside/gmina.yaml:3", Basis: "art. 15 ust. 4 UWR"}, cap)

	denied := rep.Trace[5]
	require.NotNil(t, denied.Decision)
	assert.False(t, denied.Decision.Allowed)
	assert.Equal(t, "assistant.max_families", denied.Decision.Unmet()[0].Rule)
	assert.Empty(t, denied.Opened)
	assert.Empty(t, denied.Closed)

	plain, err := scenario.RunFile(t.Context(), "testdata/beside/cap.yaml")
	require.NoError(t, err)
	assert.Nil(t, plain.Trace, "no trace unless asked for")
}
