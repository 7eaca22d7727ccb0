package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCalendar covers the calendar verb: the default date, --on, --lead,
// --worker, JSON, Polish, and its errors.
func TestCalendar(t *testing.T) {
	runVerbCases(t, []verbCase{
		{name: "last step", args: []string{"calendar", "testdata/world/office.yaml"}, golden: "calendar_office_en.txt",
			has: []string{"Calendar of obligations on 2025-09-01", "F01", "OVERDUE", "3 obligations"}},
		{name: "polish", args: []string{"calendar", "--lang", "pl", "--on", "2025-08-20", "--lead", "14", "testdata/world/office.yaml"},
			golden: "calendar_office_pl.txt", has: []string{"PO TERMINIE", "F01"}},
		{name: "worker", args: []string{"calendar", "--worker", "A2", "testdata/world/office.yaml"}, has: []string{"F03", "1 obligation"}},
		{name: "no file", args: []string{"calendar"}, code: exitUsage},
		{name: "bad date", args: []string{"calendar", "--on", "1.1.2025", "testdata/world/office.yaml"}, code: exitUsage},
		{name: "malformed", args: []string{"calendar", "testdata/scenarios/malformed.yaml"}, code: exitUsage},
	})
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
	require.Equal(t, exitProblem, res.code, "a breached norm exits 1, as check does: %s", res.stderr)
	assertGolden(t, "staffing_office_en.txt", res.stdout)
	pl := runArgs("staffing", "--lang", "pl", "--unit", "OPS-1", "--inhabitants", "9000", "--families", "120", "testdata/world/office.yaml")
	assert.Equal(t, exitProblem, pl.code)
	assertGolden(t, "staffing_office_pl.txt", pl.stdout)
	assert.Contains(t, res.stdout, "1.50 FTE; required 3")
	assert.Contains(t, res.stdout, "social_worker.min_fte")

	res = runArgs("staffing", "--json", "--lang", "pl", "--unit", "OPS-1", "--inhabitants", "9000", "testdata/world/office.yaml")
	require.Equal(t, exitProblem, res.code, res.stderr)
	assert.NotContains(t, res.stdout, "null", "empty lists are [], never null")
	assert.Contains(t, res.stdout, `"coordinators": []`)
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

	// A centre within its norms exits 0; its empty lists are [].
	res = runArgs("staffing", "--json", "--unit", "OPS-1", "--inhabitants", "5000", "testdata/world/met.yaml")
	require.Equal(t, exitOK, res.code, res.stdout+res.stderr)
	assert.Contains(t, res.stdout, `"assistants": []`)
	assert.Contains(t, res.stdout, `"violations": []`)
	assert.NotContains(t, res.stdout, "null")
}

// failingWriter refuses every write, as a full disk or a closed pipe does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestWorldVerbs_jsonWriteError reports a JSON output that cannot be
// written, in the language asked for, and exits 1.
func TestWorldVerbs_jsonWriteError(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"calendar", []string{"calendar", "--json", "testdata/world/office.yaml"}, "cannot write the output: disk full"},
		{"staffing", []string{"staffing", "--json", "--unit", "OPS-1", "--inhabitants", "9000", "testdata/world/office.yaml"},
			"cannot write the output: disk full"},
		{"staffing in Polish", []string{"staffing", "--json", "--lang", "pl", "--unit", "OPS-1", "--inhabitants", "9000",
			"testdata/world/office.yaml"}, "nie można zapisać wyniku: disk full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(tt.args, failingWriter{}, &stderr, func(string) string { return "" }, fixedNow)
			assert.Equal(t, exitProblem, code)
			assert.Contains(t, stderr.String(), tt.want)
		})
	}
}

// TestStaffing_badFTE refuses a scenario whose FTE is not a number or out
// of range, at the fte values, instead of printing NaN.
func TestStaffing_badFTE(t *testing.T) {
	res := runArgs("staffing", "--json", "--unit", "OPS-1", "--inhabitants", "9000", "testdata/world/nan_fte.yaml")
	assert.Equal(t, exitUsage, res.code, res.stdout)
	assert.Empty(t, res.stdout)
	assert.Contains(t, res.stderr, "testdata/world/nan_fte.yaml:3:58: SW1: fte must be above 0 and at most 2 [out_of_range]")
	assert.Contains(t, res.stderr, "testdata/world/nan_fte.yaml:4:58: SW2: fte must be above 0 and at most 2 [out_of_range]")
	assert.NotContains(t, res.stderr, "NaN")
}

// verbCase is one run of the command in a verb's table test: its exit
// status, strings its output holds, and its golden file, if any.
type verbCase struct {
	name   string
	args   []string
	code   int
	golden string
	has    []string
}

// runVerbCases runs each case as a subtest.
func runVerbCases(t *testing.T, cases []verbCase) {
	t.Helper()
	for _, tt := range cases {
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
