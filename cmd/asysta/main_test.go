package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files")

// result is what one run of the command produced.
type result struct {
	code           int
	stdout, stderr string
}

// fixedNow is the clock of the tests: 2016-05-31 22:30 UTC, which is
// already 2016-06-01 in Warsaw.
func fixedNow() time.Time { return time.Date(2016, time.May, 31, 22, 30, 0, 0, time.UTC) }

// runWith runs the command with env as the whole environment and the fixed
// clock.
func runWith(env map[string]string, args ...string) result {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr, func(k string) string { return env[k] }, fixedNow)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// runArgs runs the command in an environment that names no language.
func runArgs(args ...string) result { return runWith(nil, args...) }

// assertGolden compares got with testdata/golden/name, or rewrites the file
// under -update.
var revisionRE = regexp.MustCompile(`(revision"?:? ?"?)[0-9a-f]{12,64}`)

func assertGolden(t *testing.T, name, got string) {
	t.Helper()
	// The rule-set revision changes with every edit of the statute; golden
	// files keep a placeholder so that they test the layout, not the hash.
	got = revisionRE.ReplaceAllString(got, "${1}<revision>")
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test ./cmd/asysta -update")
	assert.Equal(t, string(want), got, "output differs from %s; run go test ./cmd/asysta -update if the change is intended", path)
}

// TestUsage covers the command line without a verb, help and unknown
// verbs.
func TestUsage(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		code       int
		golden     string // of stdout, or of stderr when stdout is empty
		wantStderr string
	}{
		{name: "no verb", args: nil, code: exitUsage, golden: "usage_en.txt"},
		{name: "help", args: []string{"help"}, code: exitOK, golden: "usage_en.txt"},
		{name: "-h", args: []string{"-h"}, code: exitOK, golden: "usage_en.txt"},
		{name: "help in Polish from LANG", env: map[string]string{"LANG": "pl_PL.UTF-8"}, args: []string{"help"}, code: exitOK, golden: "usage_pl.txt"},
		{name: "LC_ALL wins over LANG", env: map[string]string{"LC_ALL": "en_GB.UTF-8", "LANG": "pl_PL.UTF-8"}, args: []string{"help"}, code: exitOK, golden: "usage_en.txt"},
		{name: "help --lang pl", args: []string{"help", "--lang", "pl"}, code: exitOK, golden: "usage_pl.txt"},
		{name: "help params", args: []string{"help", "params"}, code: exitOK, golden: "usage_params_en.txt"},
		{name: "help check in Polish", args: []string{"help", "check", "--lang=pl"}, code: exitOK, golden: "usage_check_pl.txt"},
		{name: "params -h", args: []string{"params", "-h"}, code: exitOK, golden: "usage_params_en.txt"},
		{name: "help of an unknown verb", args: []string{"help", "frob"}, code: exitUsage, wantStderr: `unknown verb "frob"`},
		{name: "unknown verb", args: []string{"frob"}, code: exitUsage, wantStderr: `asysta: unknown verb "frob"`},
		{name: "unknown verb in Polish", args: []string{"frob", "--lang", "pl"}, code: exitUsage, wantStderr: `asysta: nieznane polecenie "frob"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runWith(tt.env, tt.args...)
			assert.Equal(t, tt.code, res.code, "stderr: %s", res.stderr)
			if tt.golden != "" {
				out := res.stdout
				if out == "" {
					out = res.stderr
				}
				assertGolden(t, tt.golden, out)
			}
			assert.Contains(t, res.stderr, tt.wantStderr)
		})
	}
}

// TestUsageListsVerbs checks that the usage names every registered verb.
func TestUsageListsVerbs(t *testing.T) {
	res := runArgs()
	require.Equal(t, exitUsage, res.code)
	assert.Empty(t, res.stdout)
	for name := range commands {
		assert.Contains(t, res.stderr, "\n  "+name+" ")
	}
	assert.Contains(t, res.stderr, "\n  check ")
	assert.Contains(t, res.stderr, "\n  params ")
	assert.Contains(t, res.stderr, "\n  graph ")
}

// TestPluralPL checks the Polish plural forms of "problem".
func TestPluralPL(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "problemów"}, {1, "problem"}, {2, "problemy"}, {3, "problemy"}, {4, "problemy"},
		{5, "problemów"}, {11, "problemów"}, {12, "problemów"}, {13, "problemów"}, {14, "problemów"},
		{21, "problemów"}, {22, "problemy"}, {24, "problemy"}, {25, "problemów"}, {102, "problemy"},
		{112, "problemów"}, {114, "problemów"}, {122, "problemy"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, pluralPL(tt.n, "problem", "problemy", "problemów"), "n=%d", tt.n)
	}
}

// TestProblemSummary checks the summary line in both languages.
func TestProblemSummary(t *testing.T) {
	tests := []struct {
		problems, files int
		pl, en          string
	}{
		{1, 1, "1 problem w 1 pliku", "1 problem in 1 file"},
		{2, 1, "2 problemy w 1 pliku", "2 problems in 1 file"},
		{5, 2, "5 problemów w 2 plikach", "5 problems in 2 files"},
		{12, 3, "12 problemów w 3 plikach", "12 problems in 3 files"},
		{23, 5, "23 problemy w 5 plikach", "23 problems in 5 files"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.pl, (&invocation{lang: "pl"}).problemSummary(tt.problems, tt.files))
		assert.Equal(t, tt.en, (&invocation{lang: "en"}).problemSummary(tt.problems, tt.files))
	}
}

// TestParseInterspersed checks that flags may follow positional arguments
// and that "--" ends the flags.
func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args []string
		json bool
		pos  []string
	}{
		{[]string{"a", "--json", "b"}, true, []string{"a", "b"}},
		{[]string{"--json", "a"}, true, []string{"a"}},
		{[]string{"a", "b"}, false, []string{"a", "b"}},
		{[]string{"a", "--", "--json"}, false, []string{"a", "--json"}},
		{[]string{"-", "--json"}, true, []string{"-"}},
		{nil, false, nil},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		asJSON := fs.Bool("json", false, "")
		pos, err := parseInterspersed(fs, tt.args)
		require.NoError(t, err, "%q", tt.args)
		assert.Equal(t, tt.json, *asJSON, "%q", tt.args)
		assert.Equal(t, tt.pos, pos, "%q", tt.args)
	}
}

// TestBinary builds the command and runs the real main once for each verb,
// checking the exit statuses.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH")
	}
	bin := filepath.Join(t.TempDir(), "asysta")
	// The version make dist stamps, to see that the stamp reaches the verb.
	build := exec.Command(goTool, "build", "-ldflags", "-X main.version=v0.0.0-binary-test", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"params", "--on", "2016-06-01"}, exitOK, "assistant.max_families"},
		{[]string{"params", "--on", "2011-01-01"}, exitProblem, "2012-01-01"},
		{[]string{"check", "testdata/gmina.yaml"}, exitOK, "testdata/gmina.yaml: OK"},
		{[]string{"check", "testdata/bad.yaml"}, exitProblem, "[ceiling_raised]"},
		{[]string{"check"}, exitUsage, "FILE"},
		{[]string{"graph", "family"}, exitOK, "digraph family {"},
		{[]string{"graph", "child", "--format", "mermaid"}, exitOK, "state placed {"},
		{[]string{"graph", "household"}, exitUsage, `unknown lifecycle "household"`},
		{[]string{"graph", "family", "--format", "svg"}, exitUsage, `unknown format "svg"`},
		{[]string{"help"}, exitOK, "params"},
		{nil, exitUsage, "params"},
		{[]string{"version"}, exitOK, "asysta v0.0.0-binary-test\n"},
		{[]string{"version", "--json"}, exitOK, `"version": "v0.0.0-binary-test"`},
		{[]string{"schema"}, exitOK, `"$id": "https://raw.githubusercontent.com/asysta/asysta/main/docs/config.schema.json"`},
	}
	for _, tt := range tests {
		cmd := exec.Command(bin, tt.args...)
		cmd.Env = append(os.Environ(), "LC_ALL=en_US.UTF-8")
		out, err := cmd.CombinedOutput()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else {
			require.NoError(t, err)
		}
		assert.Equal(t, tt.code, code, "asysta %s: %s", strings.Join(tt.args, " "), out)
		assert.Contains(t, string(out), tt.want, "asysta %s", strings.Join(tt.args, " "))
	}
}
