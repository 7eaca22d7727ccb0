package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The scenario files of the test verb's tests.
const (
	scenarioDir   = "testdata/scenarios"
	consentFile   = "testdata/scenarios/consent.yaml"
	courtFile     = "testdata/scenarios/court.yaml"
	failingFile   = "testdata/scenarios/failing.yaml"
	malformedFile = "testdata/scenarios/malformed.yaml"
	libraryDir    = "../../examples/scenarios"
)

// lastLine returns the last line of out, without its newline.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	return lines[len(lines)-1]
}

// TestTestVerb covers the human output and the exit statuses: 0 when every
// scenario passes, 1 when one fails, 2 when a file is malformed, even if
// another one failed.
func TestTestVerb(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		golden string
		last   string
		want   []string
	}{
		{name: "one file passes", args: []string{"test", consentFile}, code: exitOK, golden: "test_pass_en.txt", last: "1 passed, 0 failed"},
		{name: "two files pass", args: []string{"test", consentFile, courtFile}, code: exitOK, last: "2 passed, 0 failed"},
		{name: "passes in Polish", args: []string{"test", "--lang", "pl", consentFile, courtFile}, code: exitOK,
			golden: "test_pass_pl.txt", last: "2 passed, 0 failed", want: []string{"Scenariusze zaliczone: 2, niezaliczone: 0\n"}},
		{name: "a failure", args: []string{"test", consentFile, failingFile}, code: exitProblem, golden: "test_fail_en.txt",
			last: "1 passed, 1 failed", want: []string{
				"testdata/scenarios/failing.yaml:12: expected F03 interview due 2016-03-18, got due 2016-03-21\n",
				"testdata/scenarios/failing.yaml:14: expected F03 approve_plan: forbidden, got F03 approve_plan: not permitted in state analysis of lifecycle family\n",
			}},
		{name: "a failure in Polish", args: []string{"test", failingFile, "--lang=pl", consentFile}, code: exitProblem, golden: "test_fail_pl.txt",
			last: "1 passed, 1 failed", want: []string{
				"testdata/scenarios/failing.yaml:12: oczekiwano F03 interview z terminem 2016-03-18, jest termin 2016-03-21\n",
				"Scenariusze zaliczone: 1, niezaliczone: 1\n",
			}},
		{name: "Polish from LANG", env: map[string]string{"LANG": "pl_PL.UTF-8"}, args: []string{"test", failingFile}, code: exitProblem,
			last: "0 passed, 1 failed", want: []string{"NIEZALICZONY testdata/scenarios/failing.yaml"}},
		{name: "malformed", args: []string{"test", malformedFile}, code: exitUsage, golden: "test_malformed_en.txt", last: "No scenario ran: 1 malformed file",
			want: []string{
				"testdata/scenarios/malformed.yaml:3:36: unknown key \"office\" (workers); allowed: id, role, fte, employer, area, from, to [unknown_key]\n",
				"testdata/scenarios/malformed.yaml:8:5: F05: case \"F05\" is not declared (families, children, foster_families) [unknown_id]\n",
				"counted neither as passed nor failed",
			}},
		{name: "a folder: malformed outweighs failed", args: []string{"test", scenarioDir}, code: exitUsage, golden: "test_folder_en.txt",
			last: "2 passed, 1 failed", want: []string{"1 malformed file not run, counted neither as passed nor failed\n"}},
		{name: "a folder in Polish", args: []string{"test", "--lang", "pl", scenarioDir}, code: exitUsage, golden: "test_folder_pl.txt",
			last: "2 passed, 1 failed", want: []string{"Scenariusze zaliczone: 2, niezaliczone: 1, błędne pliki: 1", "BŁĘDNY PLIK testdata/scenarios/malformed.yaml: 3 problemy"}},
		{name: "a path that does not exist", args: []string{"test", consentFile, "testdata/scenarios/none.yaml"}, code: exitUsage,
			last: "1 passed, 0 failed", want: []string{"testdata/scenarios/none.yaml: cannot read the file: the file does not exist", "[io]"}},
		{name: "a path that does not exist, in Polish", args: []string{"test", "--lang", "pl", "testdata/scenarios/none.yaml"}, code: exitUsage,
			last: "Nie uruchomiono żadnego scenariusza: 1 błędny plik", want: []string{"testdata/scenarios/none.yaml: nie można odczytać pliku: plik nie istnieje; sprawdź ścieżkę [io]\n"}},
		{name: "a device", args: []string{"test", "/dev/zero"}, code: exitUsage, last: "No scenario ran: 1 malformed file",
			want: []string{"/dev/zero: cannot read the file: it is not a regular file", "[io]", "MALFORMED /dev/zero"}},
		{name: "the library", args: []string{"test", libraryDir}, code: exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runWith(tt.env, tt.args...)
			assert.Equal(t, tt.code, res.code, "stdout: %s\nstderr: %s", res.stdout, res.stderr)
			assert.Empty(t, res.stderr)
			if tt.last != "" {
				assert.Equal(t, tt.last, lastLine(res.stdout))
			}
			assert.Regexp(t, `^(\d+ passed, \d+ failed|No scenario ran: .*|Nie uruchomiono żadnego scenariusza: .*)$`, lastLine(res.stdout))
			for _, w := range tt.want {
				assert.Contains(t, res.stdout, w)
			}
			if tt.golden != "" {
				assertGolden(t, tt.golden, res.stdout)
			}
		})
	}
}

// TestTestVerb_library runs the whole scenario library: every file passes.
func TestTestVerb_library(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(libraryDir, "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	res := runArgs("test", libraryDir)
	require.Equal(t, exitOK, res.code, res.stdout)
	assert.Equal(t, strconv.Itoa(len(files))+" passed, 0 failed\n", res.stdout, "a passing run prints only the summary")
}

// TestTestVerb_failuresMatchLocalize checks that each failure line is
// FILE:LINE: expected …, got … and that the lines come in file order.
func TestTestVerb_failuresMatchLocalize(t *testing.T) {
	res := runArgs("test", failingFile)
	require.Equal(t, exitProblem, res.code)
	re := regexp.MustCompile(`^testdata/scenarios/failing\.yaml:(\d+): expected .+, got .+$`)
	var lines []int
	for _, l := range strings.Split(res.stdout, "\n") {
		if m := re.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			lines = append(lines, n)
		}
	}
	assert.Equal(t, []int{12, 14}, lines)
}

// TestTestVerb_JSON checks the JSON output: the counts, and for each
// scenario its file, name, outcome, failures and problems, all lists
// rather than null.
func TestTestVerb_JSON(t *testing.T) {
	tests := []struct {
		name                      string
		args                      []string
		code                      int
		golden                    string
		passed, failed, malformed int
	}{
		{name: "pass", args: []string{"test", "--json", consentFile}, code: exitOK, golden: "test_pass.json", passed: 1},
		{name: "fail", args: []string{"test", failingFile, "--json"}, code: exitProblem, golden: "test_fail_en.json", failed: 1},
		{name: "folder", args: []string{"test", "--json", scenarioDir}, code: exitUsage, golden: "test_folder_en.json", passed: 2, failed: 1, malformed: 1},
		{name: "folder pl", args: []string{"test", "--json", "--lang", "pl", scenarioDir}, code: exitUsage, golden: "test_folder_pl.json", passed: 2, failed: 1, malformed: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runArgs(tt.args...)
			assert.Equal(t, tt.code, res.code, res.stderr)
			assert.Empty(t, res.stderr)
			assertTestJSONKeys(t, res.stdout)
			var got testJSON
			require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
			assert.Equal(t, tt.passed, got.Passed)
			assert.Equal(t, tt.failed, got.Failed)
			assert.Equal(t, tt.malformed, got.Malformed)
			assert.Len(t, got.Scenarios, tt.passed+tt.failed+tt.malformed)
			for _, s := range got.Scenarios {
				assert.Equal(t, s.Passed, len(s.Failures) == 0 && len(s.Problems) == 0, s.File)
				if len(s.Problems) > 0 {
					assert.Empty(t, s.Failures, "a malformed file is not run")
				}
			}
			assertGolden(t, tt.golden, res.stdout)
		})
	}
}

// TestTestVerb_JSONFailure checks one failure's fields.
func TestTestVerb_JSONFailure(t *testing.T) {
	res := runArgs("test", "--json", "--lang", "pl", failingFile)
	var got testJSON
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
	require.Len(t, got.Scenarios, 1)
	s := got.Scenarios[0]
	assert.Equal(t, failingFile, s.File)
	assert.Equal(t, "OPS Wadowice: scenariusz z dwoma błędnymi oczekiwaniami", s.Name)
	assert.False(t, s.Passed)
	require.Len(t, s.Failures, 2)
	assert.Equal(t, failureJSON{File: failingFile, Line: 12, Column: 36, Case: "F03", Check: "due",
		Expected: "F03 interview z terminem 2016-03-18", Got: "termin 2016-03-21", Rules: []string{}, DeniedBy: []string{}, WarnedBy: []string{}}, s.Failures[0])
}

// assertTestJSONKeys checks that the output of test --json has exactly the
// keys of the command's contract.
func assertTestJSONKeys(t *testing.T, out string) {
	t.Helper()
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(out), &raw))
	assert.Len(t, raw, 4)
	for _, k := range []string{"passed", "failed", "malformed", "scenarios"} {
		assert.Contains(t, raw, k)
	}
	var scenarios []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw["scenarios"], &scenarios))
	assert.NotNil(t, scenarios)
	for _, s := range scenarios {
		assert.Subset(t, []string{"file", "name", "passed", "failures", "problems", "steps"}, keys(s))
		var failures, problems []map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(s["failures"], &failures))
		require.NoError(t, json.Unmarshal(s["problems"], &problems))
		assert.NotNil(t, failures, "failures must be a list, not null")
		assert.NotNil(t, problems, "problems must be a list, not null")
		for _, f := range failures {
			assert.ElementsMatch(t, []string{"file", "line", "column", "case", "check", "expected", "got", "rules", "denied_by", "warned_by"}, keys(f))
		}
		for _, p := range problems {
			assert.ElementsMatch(t, []string{"file", "line", "col", "id", "code", "message"}, keys(p))
		}
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestTestVerb_usage covers command lines test refuses: no PATH, a folder
// without scenarios, bad flags. All exit 2.
func TestTestVerb_usage(t *testing.T) {
	empty := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		stderr []string
		golden string
	}{
		{name: "no path", args: []string{"test"}, stderr: []string{"asysta test: give at least one PATH", "Usage: asysta test [--format text|json|junit|github] [-v] [--root DIR] [--lang pl|en] PATH..."},
			golden: "test_usage_en.txt"},
		{name: "no path pl", args: []string{"test", "--lang", "pl"}, stderr: []string{"asysta test: podaj co najmniej jedną ŚCIEŻKĘ", "Użycie: asysta test"},
			golden: "test_usage_pl.txt"},
		{name: "only --json", args: []string{"test", "--json"}, stderr: []string{"give at least one PATH"}},
		{name: "unknown flag", args: []string{"test", "--verbose", consentFile}, stderr: []string{"asysta test: unknown flag -verbose"}},
		{name: "unknown format", args: []string{"test", "--format", "xml", consentFile}, stderr: []string{`asysta test: unknown format "xml"; allowed: text, json, junit, github`}},
		{name: "unknown language", args: []string{"test", "--lang", "de", consentFile}, stderr: []string{`unknown language "de"`}},
		{name: "a folder without scenarios", args: []string{"test", empty}, stderr: []string{"asysta: no scenario files (*.yaml) in " + empty}},
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

// TestTestVerb_help prints the verb's usage on stdout.
func TestTestVerb_help(t *testing.T) {
	res := runArgs("help", "test")
	assert.Equal(t, exitOK, res.code)
	assert.Contains(t, res.stdout, "Usage: asysta test [--format text|json|junit|github] [-v] [--root DIR] [--lang pl|en] PATH...")
	assert.Contains(t, res.stdout, "--json")
	res = runArgs("help")
	assert.Contains(t, res.stdout, "\n  test ")
}

// TestTestVerb_binary builds the command and runs the real binary on the
// scenario library, a failing file and a malformed one, checking the exit
// statuses and the last line.
func TestTestVerb_binary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH")
	}
	bin := filepath.Join(t.TempDir(), "asysta")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	files, err := filepath.Glob(filepath.Join(libraryDir, "*.yaml"))
	require.NoError(t, err)
	tests := []struct {
		args []string
		code int
		last string
	}{
		{[]string{"test", libraryDir}, exitOK, strconv.Itoa(len(files)) + " passed, 0 failed"},
		{[]string{"test", "--lang", "pl", libraryDir}, exitOK, strconv.Itoa(len(files)) + " passed, 0 failed"},
		{[]string{"test", consentFile, failingFile}, exitProblem, "1 passed, 1 failed"},
		{[]string{"test", failingFile, malformedFile}, exitUsage, "0 passed, 1 failed"},
	}
	for _, tt := range tests {
		cmd := exec.Command(bin, tt.args...)
		cmd.Env = append(os.Environ(), "LC_ALL=en_US.UTF-8")
		out, err := cmd.Output()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else {
			require.NoError(t, err)
		}
		assert.Equal(t, tt.code, code, "asysta %s: %s", strings.Join(tt.args, " "), out)
		assert.Equal(t, tt.last, lastLine(string(out)), "asysta %s", strings.Join(tt.args, " "))
	}
}
