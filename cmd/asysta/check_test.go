package main

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
)

// problemLine matches the first line of a problem: FILE:LINE:COL: ID:
// message [CODE].
var problemLine = regexp.MustCompile(`^(\S+):(\d+):(\d+): (\S+): .* \[([a-z_]+)\]$`)

// badCodes are the problems of testdata/bad.yaml, in file order.
var badCodes = []string{"ceiling_raised", "unknown_parameter", "bad_date", "rule_id", "expr_type"}

// TestCheckHuman covers the human output of check on valid and invalid
// files.
func TestCheckHuman(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		golden string
		want   []string
	}{
		{name: "valid", args: []string{"check", "testdata/gmina.yaml"}, code: exitOK, golden: "check_valid_en.txt",
			want: []string{"testdata/gmina.yaml: OK (Gmina Przykładowa, municipality, 2 parameters, 1 rule)\n"}},
		{name: "valid pl", args: []string{"check", "--lang", "pl", "testdata/gmina.yaml"}, code: exitOK, golden: "check_valid_pl.txt",
			want: []string{"testdata/gmina.yaml: OK (Gmina Przykładowa, gmina, 2 parametry, 1 reguła)\n"}},
		{name: "problems", args: []string{"check", "testdata/bad.yaml"}, code: exitProblem, golden: "check_bad_en.txt",
			want: []string{"\n5 problems in 1 file\n"}},
		{name: "problems pl from the environment", env: map[string]string{"LC_MESSAGES": "pl_PL.UTF-8"}, args: []string{"check", "testdata/bad.yaml"},
			code: exitProblem, golden: "check_bad_pl.txt", want: []string{"\n5 problemów w 1 pliku\n"}},
		{name: "problems in one of two files", args: []string{"check", "testdata/gmina.yaml", "testdata/bad.yaml"}, code: exitProblem,
			want: []string{"\n5 problems in 1 file\n"}},
		{name: "a missing file", args: []string{"check", "testdata/none.yaml", "testdata/bad.yaml"}, code: exitProblem,
			want: []string{"testdata/none.yaml: cannot read the file: ", " [io]\n", "\n6 problems in 2 files\n"}},
		{name: "flags after the files", args: []string{"check", "testdata/gmina.yaml", "--lang", "pl"}, code: exitOK,
			want: []string{"2 parametry, 1 reguła"}},
		{name: "-- ends the flags", args: []string{"check", "--", "testdata/gmina.yaml"}, code: exitOK, want: []string{": OK ("}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runWith(tt.env, tt.args...)
			assert.Equal(t, tt.code, res.code, "stderr: %s", res.stderr)
			assert.Empty(t, res.stderr)
			for _, s := range tt.want {
				assert.Contains(t, res.stdout, s)
			}
			if tt.golden != "" {
				assertGolden(t, tt.golden, res.stdout)
			}
		})
	}
}

// TestCheckValidRevision checks the revision line of a valid check.
func TestCheckValidRevision(t *testing.T) {
	rs, err := rules.LoadFiles("testdata/gmina.yaml")
	require.NoError(t, err)
	res := runArgs("check", "testdata/gmina.yaml")
	require.Equal(t, exitOK, res.code)
	assert.Contains(t, res.stdout, "\nrule-set revision: "+rs.Revision()[:12]+"\n")
}

// TestCheckListsEveryProblemSorted checks that check reports every problem
// of bad.yaml at once, sorted by position, with the expression snippet
// indented under its problem.
func TestCheckListsEveryProblemSorted(t *testing.T) {
	for _, lang := range []string{"en", "pl"} {
		res := runArgs("check", "--lang", lang, "testdata/bad.yaml")
		require.Equal(t, exitProblem, res.code)
		lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
		var codes []string
		prevLine, prevCol := 0, 0
		for i, line := range lines[:len(lines)-1] {
			if strings.HasPrefix(line, "    ") {
				assert.NotEmpty(t, codes, "a snippet line before any problem")
				assert.Contains(t, line, " | ")
				continue
			}
			m := problemLine.FindStringSubmatch(line)
			require.NotNil(t, m, "line %d is not a problem: %q", i+1, line)
			assert.Equal(t, "testdata/bad.yaml", m[1])
			l, _ := strconv.Atoi(m[2])
			c, _ := strconv.Atoi(m[3])
			assert.True(t, l > prevLine || l == prevLine && c >= prevCol, "not sorted at %q", line)
			prevLine, prevCol = l, c
			codes = append(codes, m[5])
		}
		assert.Equal(t, badCodes, codes, lang)
		assert.Contains(t, res.stdout, "local.caseload: ")
		assert.Contains(t, res.stdout, "\n     | worker.weight <= 12 * worker.full_time\n")
	}
}

// TestCheckMatchesLocalize checks that each problem line is exactly
// rules.Error.Localize's first line.
func TestCheckMatchesLocalize(t *testing.T) {
	_, err := rules.LoadFiles("testdata/bad.yaml")
	problems := rules.AsErrors(err)
	require.Len(t, problems, len(badCodes))
	for _, lang := range []rules.Lang{rules.English, rules.Polish} {
		res := runArgs("check", "--lang", string(lang), "testdata/bad.yaml")
		for _, e := range problems {
			first, _, _ := strings.Cut(e.Localize(lang), "\n")
			assert.Contains(t, res.stdout, first+"\n")
		}
	}
}

// TestCheckJSON decodes check --json on valid and invalid files.
func TestCheckJSON(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string
		valid  bool
		codes  []string
		msg0   string // the first problem's message starts with it
	}{
		{name: "valid", args: []string{"check", "--json", "testdata/gmina.yaml"}, code: exitOK, golden: "check_valid.json", valid: true},
		{name: "problems", args: []string{"check", "testdata/bad.yaml", "--json"}, code: exitProblem, golden: "check_bad_en.json",
			codes: badCodes, msg0: "18 raises the statutory maximum of 15"},
		{name: "problems pl", args: []string{"check", "--json", "--lang", "pl", "testdata/bad.yaml"}, code: exitProblem, golden: "check_bad_pl.json",
			codes: badCodes, msg0: "18 przekracza ustawowe maksimum 15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runArgs(tt.args...)
			assert.Equal(t, tt.code, res.code, "stderr: %s", res.stderr)
			assert.Empty(t, res.stderr)
			assertGolden(t, tt.golden, res.stdout)
			assertCheckJSONKeys(t, res.stdout)

			var got checkJSON
			require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
			assert.Equal(t, tt.valid, got.Valid)
			if tt.valid {
				assert.Regexp(t, `^[0-9a-f]{64}$`, got.Revision)
				assert.Empty(t, got.Problems)
				return
			}
			assert.Empty(t, got.Revision)
			var codes []string
			for _, p := range got.Problems {
				codes = append(codes, p.Code)
				assert.Equal(t, "testdata/bad.yaml", p.File)
				assert.Positive(t, p.Line)
				assert.Positive(t, p.Col)
				assert.NotEmpty(t, p.ID)
			}
			assert.Equal(t, tt.codes, codes)
			assert.True(t, strings.HasPrefix(got.Problems[0].Message, tt.msg0), got.Problems[0].Message)
		})
	}
}

// assertCheckJSONKeys checks that the output of check --json has exactly
// the keys of the contract, and a list (never null) of problems.
func assertCheckJSONKeys(t *testing.T, out string) {
	t.Helper()
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(out), &raw))
	assert.Len(t, raw, 3)
	for _, k := range []string{"valid", "revision", "problems"} {
		assert.Contains(t, raw, k)
	}
	var problems []map[string]any
	require.NoError(t, json.Unmarshal(raw["problems"], &problems))
	assert.NotNil(t, problems, "problems must be a list, not null")
	for _, p := range problems {
		keys := make([]string, 0, len(p))
		for k := range p {
			keys = append(keys, k)
		}
		assert.ElementsMatch(t, []string{"file", "line", "col", "id", "code", "message"}, keys)
	}
}

// TestCheckUsage covers command lines check refuses.
func TestCheckUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr []string
		golden string
	}{
		{name: "no file", args: []string{"check"}, stderr: []string{"asysta check: give at least one FILE", "Usage: asysta check"},
			golden: "check_usage_en.txt"},
		{name: "no file pl", args: []string{"check", "--lang", "pl"}, stderr: []string{"asysta check: podaj co najmniej jeden PLIK", "Użycie: asysta check"}},
		{name: "only --json", args: []string{"check", "--json"}, stderr: []string{"give at least one FILE"}},
		{name: "unknown flag", args: []string{"check", "--strict", "testdata/gmina.yaml"}, stderr: []string{"asysta check: unknown flag -strict"}},
		{name: "unknown flag after a file", args: []string{"check", "testdata/gmina.yaml", "-x"}, stderr: []string{"unknown flag -x"}},
		{name: "bad bool", args: []string{"check", "--json=maybe", "testdata/gmina.yaml"}, stderr: []string{`bad boolean value "maybe" for flag -json`}},
		{name: "unknown language", args: []string{"check", "--lang", "de", "testdata/gmina.yaml"}, stderr: []string{`unknown language "de"`}},
		{name: "--lang without a value", args: []string{"check", "testdata/gmina.yaml", "--lang"}, stderr: []string{"flag -lang needs a value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runArgs(tt.args...)
			assert.Equal(t, exitUsage, res.code)
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
