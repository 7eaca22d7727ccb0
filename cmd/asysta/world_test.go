package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCalendar covers the calendar verb: the default date, --on, --lead,
// --worker, JSON, Polish, and its errors.
func TestCalendar(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string
		has    []string
	}{
		{name: "last step", args: []string{"calendar", "testdata/world/office.yaml"}, golden: "calendar_office_en.txt",
			has: []string{"Calendar of obligations on 2025-09-01", "F01", "OVERDUE", "3 obligations"}},
		{name: "polish", args: []string{"calendar", "--lang", "pl", "--on", "2025-08-20", "--lead", "14", "testdata/world/office.yaml"},
			golden: "calendar_office_pl.txt", has: []string{"PO TERMINIE", "F01"}},
		{name: "worker", args: []string{"calendar", "--worker", "A2", "testdata/world/office.yaml"}, has: []string{"F03", "1 obligation"}},
		{name: "no file", args: []string{"calendar"}, code: exitUsage},
		{name: "bad date", args: []string{"calendar", "--on", "1.1.2025", "testdata/world/office.yaml"}, code: exitUsage},
		{name: "malformed", args: []string{"calendar", "testdata/scenarios/malformed.yaml"}, code: exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runArgs(tt.args...)
			require.Equal(t, tt.code, res.code, "stderr: %s", res.stderr)
			for _, s := range tt.has {
				assert.Contains(t, res.stdout, s)
			}
			if tt.golden != "" {
				assertGolden(t, tt.golden, res.stdout)
			}
		})
	}
}

// TestCalendar_json decodes the JSON entries.
func TestCalendar_json(t *testing.T) {
	res := runArgs("calendar", "--json", "--worker", "A1", "testdata/world/office.yaml")
	require.Equal(t, exitOK, res.code, res.stderr)
	var entries []map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &entries))
	require.Len(t, entries, 1)
	assert.Equal(t, "F02", entries[0]["case"])
	assert.Equal(t, "family_assessment", entries[0]["obligation"])
	assert.Equal(t, "2025-09-07", entries[0]["due"])
}

// TestStaffing covers the staffing verb.
func TestStaffing(t *testing.T) {
	res := runArgs("staffing", "--unit", "OPS-1", "--inhabitants", "9000", "--families", "120", "testdata/world/office.yaml")
	require.Equal(t, exitOK, res.code, res.stderr)
	assertGolden(t, "staffing_office_en.txt", res.stdout)
	assert.Contains(t, res.stdout, "1.50 FTE; required 3")
	assert.Contains(t, res.stdout, "social_worker.min_fte")

	res = runArgs("staffing", "--json", "--lang", "pl", "--unit", "OPS-1", "--inhabitants", "9000", "testdata/world/office.yaml")
	require.Equal(t, exitOK, res.code, res.stderr)
	var rep struct {
		SocialWorkers struct {
			Required int  `json:"required"`
			Met      bool `json:"met"`
		} `json:"social_workers"`
		Violations []struct {
			Rule string `json:"rule"`
		} `json:"violations"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &rep))
	assert.Equal(t, 5, rep.SocialWorkers.Required, "9,000 inhabitants need 5 FTE when the families are not known")
	assert.False(t, rep.SocialWorkers.Met)

	res = runArgs("staffing", "testdata/world/office.yaml")
	assert.Equal(t, exitUsage, res.code, "--unit and --inhabitants are required")
}
