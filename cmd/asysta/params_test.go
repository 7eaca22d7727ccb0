package main

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/internal/service"
	"github.com/asysta/asysta/rules"
)

// tableRow returns the fields of the params table row for id.
func tableRow(t *testing.T, out, id string) []string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if fields := strings.Fields(line); len(fields) > 0 && fields[0] == id {
			return fields
		}
	}
	t.Fatalf("no row for %s in:\n%s", id, out)
	return nil
}

// TestParamsTable covers the human output: dates, files, languages.
func TestParamsTable(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		golden  string
		heading string
		// the row of assistant.max_families: value, source, from
		value, source, from string
	}{
		{name: "2014", args: []string{"params", "--on", "2014-06-01"}, golden: "params_2014-06-01_en.txt",
			heading: "Parameters in force on 2014-06-01", value: "20", source: "statute", from: "2012-01-01"},
		{name: "2016", args: []string{"params", "--on", "2016-06-01"}, golden: "params_2016-06-01_en.txt",
			heading: "Parameters in force on 2016-06-01", value: "15", source: "statute", from: "2015-01-01"},
		{name: "2016 pl", args: []string{"params", "--on", "2016-06-01", "--lang", "pl"}, golden: "params_2016-06-01_pl.txt",
			heading: "Parametry obowiązujące w dniu 2016-06-01", value: "15", source: "ustawa", from: "2015-01-01"},
		{name: "pl from the environment", env: map[string]string{"LANG": "pl_PL.UTF-8"}, args: []string{"params", "--on", "2016-06-01"},
			golden: "params_2016-06-01_pl.txt", heading: "Parametry obowiązujące", value: "15", source: "ustawa", from: "2015-01-01"},
		{name: "--lang en over the environment", env: map[string]string{"LANG": "pl_PL.UTF-8"}, args: []string{"params", "--lang=en", "--on", "2016-06-01"},
			golden: "params_2016-06-01_en.txt", heading: "Parameters in force", value: "15", source: "statute", from: "2015-01-01"},
		{name: "gmina lowers the cap", args: []string{"params", "--on", "2024-06-01", "--config", "testdata/gmina.yaml"},
			golden: "params_gmina_2024-06-01_en.txt", heading: "Parameters in force on 2024-06-01",
			value: "12", source: "testdata/gmina.yaml:4", from: "2012-01-01"},
		{name: "gmina pl", args: []string{"params", "--config=testdata/gmina.yaml", "--on=2024-06-01", "--lang", "pl"},
			golden: "params_gmina_2024-06-01_pl.txt", heading: "Parametry obowiązujące w dniu 2024-06-01",
			value: "12", source: "testdata/gmina.yaml:4", from: "2012-01-01"},
		{name: "today in Warsaw by default", args: []string{"params"},
			heading: "Parameters in force on 2016-06-01", value: "15", source: "statute", from: "2015-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runWith(tt.env, tt.args...)
			require.Equal(t, exitOK, res.code, "stderr: %s", res.stderr)
			assert.Empty(t, res.stderr)
			assert.True(t, strings.HasPrefix(res.stdout, tt.heading), "heading: %q", strings.SplitN(res.stdout, "\n", 2)[0])
			row := tableRow(t, res.stdout, "assistant.max_families")
			assert.Equal(t, tt.value, row[1])
			assert.Equal(t, tt.source, row[3])
			assert.Equal(t, tt.from, row[len(row)-1])
			if tt.golden != "" {
				assertGolden(t, tt.golden, res.stdout)
			}
		})
	}
}

// TestParamsHeadingRevision checks that the heading names the rule set's
// revision and that a file changes it.
func TestParamsHeadingRevision(t *testing.T) {
	statute := rules.Statute().Revision()
	res := runArgs("params", "--on", "2016-06-01")
	require.Equal(t, exitOK, res.code)
	assert.Contains(t, strings.SplitN(res.stdout, "\n", 2)[0], "(rule-set revision "+statute[:12]+")")

	local, err := rules.LoadFiles("testdata/gmina.yaml")
	require.NoError(t, err)
	require.NotEqual(t, statute, local.Revision())
	res = runArgs("params", "--on", "2016-06-01", "--config", "testdata/gmina.yaml")
	assert.Contains(t, strings.SplitN(res.stdout, "\n", 2)[0], local.Revision()[:12])
}

// TestParamsJSON decodes params --json and checks its keys, types and
// order.
func TestParamsJSON(t *testing.T) {
	res := runArgs("params", "--json", "--on", "2024-06-01", "--config", "testdata/gmina.yaml")
	require.Equal(t, exitOK, res.code, "stderr: %s", res.stderr)
	assertGolden(t, "params_gmina_2024-06-01.json", res.stdout)

	var got []map[string]any
	dec := json.NewDecoder(bytes.NewReader([]byte(res.stdout)))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&got))
	catalogue := rules.Statute().Parameters()
	require.Len(t, got, len(catalogue))
	date := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	for i, obj := range got {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		want := []string{"id", "value", "unit", "source", "basis", "from"}
		if catalogue[i].Note.EN != "" {
			want = append(want, "note") // in the output's language
			assert.Equal(t, catalogue[i].Note.EN, obj["note"], catalogue[i].ID)
		}
		assert.ElementsMatch(t, want, keys)
		assert.Equal(t, catalogue[i].ID, obj["id"], "catalogue order")
		switch obj["value"].(type) {
		case json.Number, bool:
		default:
			t.Errorf("%v: value %v (%T) is neither a number nor a bool", obj["id"], obj["value"], obj["value"])
		}
		for _, k := range []string{"id", "unit", "source", "basis", "from"} {
			assert.IsType(t, "", obj[k], "%v: %s", obj["id"], k)
		}
		assert.Regexp(t, date, obj["from"])
	}
	byID := map[string]map[string]any{}
	for _, obj := range got {
		byID[obj["id"].(string)] = obj
	}
	capRow := byID["assistant.max_families"]
	assert.Equal(t, json.Number("12"), capRow["value"])
	assert.Equal(t, "testdata/gmina.yaml:4", capRow["source"])
	assert.Equal(t, "2012-01-01", capRow["from"])
	assert.Equal(t, "count", capRow["unit"])
	assert.Equal(t, "art. 15 ust. 4 UWR", capRow["basis"])
	mon := byID["family.post_closure_monitoring"]
	assert.Equal(t, json.Number("6"), mon["value"])
	assert.Equal(t, "testdata/gmina.yaml:7", mon["source"])
	assert.Equal(t, "2024-01-01", mon["from"])
	assert.Equal(t, true, byID["assistant.count_za_zyciem_in_cap"]["value"])
	assert.Equal(t, "statute", byID["assistant.count_za_zyciem_in_cap"]["source"])
}

// TestParamsJSONDated checks the values of a dated list and the statute
// over time.
func TestParamsJSONDated(t *testing.T) {
	tests := []struct {
		on, id string
		config bool
		value  float64
		from   string
	}{
		{on: "2014-12-31", id: "assistant.max_families", value: 20, from: "2012-01-01"},
		{on: "2015-01-01", id: "assistant.max_families", value: 15, from: "2015-01-01"},
		{on: "2019-12-31", id: "institution.min_age", value: 7, from: "2012-01-01"},
		{on: "2020-01-01", id: "institution.min_age", value: 10, from: "2020-01-01"},
		{on: "2019-06-01", id: "family.post_closure_monitoring", config: true, value: 0, from: "2012-01-01"},
		{on: "2022-06-01", id: "family.post_closure_monitoring", config: true, value: 3, from: "2020-01-01"},
		{on: "2024-01-01", id: "family.post_closure_monitoring", config: true, value: 6, from: "2024-01-01"},
	}
	for _, tt := range tests {
		args := []string{"params", "--json", "--on", tt.on}
		if tt.config {
			args = append(args, "--config", "testdata/gmina.yaml")
		}
		res := runArgs(args...)
		require.Equal(t, exitOK, res.code, "stderr: %s", res.stderr)
		var got []service.ParamJSON
		require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
		for _, p := range got {
			if p.ID == tt.id {
				assert.Equal(t, tt.value, p.Value, "%s on %s", tt.id, tt.on)
				assert.Equal(t, tt.from, p.From, "%s on %s", tt.id, tt.on)
			}
		}
	}
}

// TestParamsErrors covers bad dates, bad files and bad command lines.
func TestParamsErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr []string
		golden string // of stderr
	}{
		{name: "before the statute", args: []string{"params", "--on", "2011-12-31"}, code: exitProblem,
			stderr: []string{"asysta params: 2011-12-31 is before 2012-01-01"}},
		{name: "before the statute pl", args: []string{"params", "--on", "2011-12-31", "--lang", "pl"}, code: exitProblem,
			stderr: []string{"asysta params: dzień 2011-12-31 jest wcześniejszy niż 2012-01-01"}},
		{name: "bad file", args: []string{"params", "--on", "2016-06-01", "--config", "testdata/bad.yaml"}, code: exitProblem,
			stderr: []string{"testdata/bad.yaml:4:27: assistant.max_families: ", "[ceiling_raised]", "5 problems in 1 file"}, golden: "params_bad_en.txt"},
		{name: "bad file pl", args: []string{"params", "--lang", "pl", "--config", "testdata/bad.yaml"}, code: exitProblem,
			stderr: []string{"5 problemów w 1 pliku"}},
		{name: "missing file", args: []string{"params", "--config", "testdata/none.yaml"}, code: exitProblem,
			stderr: []string{"testdata/none.yaml: ", "[io]", "1 problem in 1 file"}},
		{name: "malformed date", args: []string{"params", "--on", "2016-13-01"}, code: exitUsage,
			stderr: []string{`asysta params: bad date "2016-13-01" for --on; want YYYY-MM-DD`, "Usage: asysta params"}},
		{name: "malformed date pl", args: []string{"params", "--lang", "pl", "--on", "1.06.2016"}, code: exitUsage,
			stderr: []string{`asysta params: błędna data "1.06.2016" w --on; oczekiwano RRRR-MM-DD`, "Użycie: asysta params"}, golden: "params_usage_pl.txt"},
		{name: "--on without a value", args: []string{"params", "--on"}, code: exitUsage,
			stderr: []string{"asysta params: flag -on needs a value"}},
		{name: "unknown flag", args: []string{"params", "--bogus"}, code: exitUsage,
			stderr: []string{"asysta params: unknown flag -bogus", "Usage: asysta params"}},
		{name: "unknown flag pl", args: []string{"params", "--bogus", "--lang", "pl"}, code: exitUsage,
			stderr: []string{"asysta params: nieznana flaga -bogus", "Użycie: asysta params"}},
		{name: "an argument", args: []string{"params", "extra"}, code: exitUsage,
			stderr: []string{"asysta params: unexpected argument extra"}},
		{name: "unknown language", args: []string{"params", "--lang", "de"}, code: exitUsage,
			stderr: []string{`asysta params: unknown language "de"; allowed: pl, en`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runArgs(tt.args...)
			assert.Equal(t, tt.code, res.code)
			assert.Empty(t, res.stdout)
			for _, s := range tt.stderr {
				assert.Contains(t, res.stderr, s)
			}
			if tt.golden != "" {
				assertGolden(t, tt.golden, res.stderr)
			}
		})
	}
}
