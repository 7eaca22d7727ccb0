package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRulesVerb lists the rules in force, as text in both languages and
// as JSON, and refuses a bad file with 1.
func TestRulesVerb(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string
	}{
		{"statute and a file", []string{"rules", "--on", "2025-01-01", "--config", "testdata/gmina.yaml"}, exitOK, "rules_gmina_en.txt"},
		{"in Polish", []string{"rules", "--on", "2025-01-01", "--config", "testdata/gmina.yaml", "--lang", "pl"}, exitOK, "rules_gmina_pl.txt"},
		{"json", []string{"rules", "--on", "2025-01-01", "--config", "testdata/gmina.yaml", "--json"}, exitOK, "rules_gmina.json"},
		{"usage", []string{"help", "rules"}, exitOK, "usage_rules_en.txt"},
		{"usage in Polish", []string{"help", "rules", "--lang", "pl"}, exitOK, "usage_rules_pl.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runArgs(tt.args...)
			require.Equal(t, tt.code, res.code, res.stderr)
			assertGolden(t, tt.golden, res.stdout)
		})
	}
	res := runArgs("rules", "--config", "testdata/bad.yaml")
	assert.Equal(t, exitProblem, res.code)
	assert.Contains(t, res.stderr, "testdata/bad.yaml:")

	res = runArgs("rules", "--on", "2025-01-01", "--config", "testdata/gmina.yaml", "--json")
	var list []ruleJSON
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &list))
	var local *ruleJSON
	for i := range list {
		if list[i].ID == "local.weighted_caseload" {
			local = &list[i]
		}
	}
	require.NotNil(t, local, "the file's local rule is listed")
	assert.Equal(t, []string{"family.assign_assistant", "family.reassign_assistant"}, local.Triggers, "a rule on assign_assistant governs reassignment too")
	assert.Regexp(t, `^testdata/gmina\.yaml:\d+$`, local.Source)
}

// TestExplainVerb explains each kind of identifier in both languages, and
// suggests the nearest names for an unknown one.
func TestExplainVerb(t *testing.T) {
	on := []string{"--on", "2025-01-01", "--config", "testdata/gmina.yaml"}
	tests := []struct {
		name, id, lang, golden string
	}{
		{"a rule and a parameter", "assistant.max_families", "en", "explain_max_families_en.txt"},
		{"a rule and a parameter in Polish", "assistant.max_families", "pl", "explain_max_families_pl.txt"},
		{"a local rule", "local.weighted_caseload", "en", "explain_local_en.txt"},
		{"a trigger in two lifecycles", "assess", "en", "explain_assess_en.txt"},
		{"a trigger in Polish", "family.assign_assistant", "pl", "explain_assign_pl.txt"},
		{"a state", "placed.institution", "en", "explain_state_en.txt"},
		{"an obligation", "interview", "en", "explain_interview_en.txt"},
		{"an obligation in Polish", "interview", "pl", "explain_interview_pl.txt"},
		{"a role", "ops_head", "en", "explain_role_en.txt"},
		{"usage", "", "en", "usage_explain_en.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"explain", "--lang", tt.lang, tt.id}, on...)
			if tt.id == "" {
				args = []string{"help", "explain"}
			}
			res := runArgs(args...)
			require.Equal(t, exitOK, res.code, res.stderr)
			assertGolden(t, tt.golden, res.stdout)
		})
	}
	res := runArgs("explain", "assistant.max_famlies")
	assert.Equal(t, exitProblem, res.code)
	assert.Equal(t, "asysta explain: unknown ID \"assistant.max_famlies\": not a rule, parameter, trigger, state, obligation or role; nearest: assistant.max_families\n", res.stderr)
	res = runArgs("explain", "--lang", "pl", "zzzzzzzzzzzzzzzzz")
	assert.Equal(t, exitProblem, res.code)
	assert.Contains(t, res.stderr, "nieznany ID")
	res = runArgs("explain")
	assert.Equal(t, exitUsage, res.code)
}

// TestExplainVerb_history lists a parameter's dated values, statutory and
// local.
func TestExplainVerb_history(t *testing.T) {
	res := runArgs("explain", "assistant.max_families", "--on", "2016-06-01")
	require.Equal(t, exitOK, res.code)
	assert.Contains(t, res.stdout, "    2012-01-01 – 2014-12-31  20 (statute)\n    2015-01-01 –             15 (statute)\n")
}
