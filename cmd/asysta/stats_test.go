package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statsFixture is the scenario whose figures caseload's test counts by
// hand.
const statsFixture = "../../caseload/testdata/statistics.yaml"

// TestStats covers the stats verb: the default half-year, --explain, both
// languages, and its errors.
func TestStats(t *testing.T) {
	runVerbCases(t, []verbCase{
		{name: "ops", args: []string{"stats", "--unit", "G1", statsFixture}, golden: "stats_g1_en.txt",
			has: []string{"Statistics: G1, 2025-01-01 – 2025-06-30", "family.supported.consent", "1.50"}},
		{name: "pcpr polish explain", args: []string{"stats", "--lang", "pl", "--unit", "P1", "--explain", "child", statsFixture},
			golden: "stats_p1_explain_pl.txt", has: []string{"sprawy: C05 C11 C12", "przysposobienie"}},
		{name: "a period", args: []string{"stats", "--unit", "G1", "--from", "2024-07-01", "--to", "2024-12-31", "--explain", "family.work_ended", statsFixture},
			has: []string{"2024-07-01 – 2024-12-31", "cases: F14 F21"}},
		{name: "every unit", args: []string{"stats", "--explain", "assistant.employed", statsFixture}, has: []string{"every unit", "workers: A1 A2 A9"}},
		{name: "unknown figure", args: []string{"stats", "--explain", "families", statsFixture}, code: exitUsage},
		{name: "bad date", args: []string{"stats", "--from", "1.1.2025", statsFixture}, code: exitUsage},
		{name: "reversed", args: []string{"stats", "--from", "2025-06-30", "--to", "2025-01-01", statsFixture}, code: exitUsage},
		{name: "no file", args: []string{"stats"}, code: exitUsage},
	})
}

// TestStats_json decodes the figures with their cases.
func TestStats_json(t *testing.T) {
	res := runArgs("stats", "--json", "--unit", "G1", "--explain", "interview", statsFixture)
	require.Equal(t, exitOK, res.code, res.stderr)
	var st struct {
		Unit    string `json:"unit"`
		From    string `json:"from"`
		Figures []struct {
			ID    string   `json:"id"`
			Kind  string   `json:"kind"`
			Value float64  `json:"value"`
			Cases []string `json:"cases"`
		} `json:"figures"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &st))
	assert.Equal(t, "G1", st.Unit)
	assert.Equal(t, "2025-01-01", st.From)
	require.Len(t, st.Figures, 2)
	assert.Equal(t, "interview.late", st.Figures[1].ID)
	assert.Equal(t, []string{"F16", "F20"}, st.Figures[1].Cases)
	assert.Equal(t, 2.0, st.Figures[1].Value)
	assert.NotContains(t, res.stdout, "null", "empty lists are [], never null")
}
