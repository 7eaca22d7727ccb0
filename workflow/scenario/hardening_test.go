package scenario_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow/scenario"
)

// hardeningTree writes a scenario folder inside a suite folder, with a
// secret next to the suite, a configuration inside the suite but outside
// the scenario's folder, and links out of the scenario's folder. It
// returns the suite folder.
func hardeningTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(path, data string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(data), 0o600))
	}
	suite := filepath.Join(dir, "suite")
	write(filepath.Join(dir, "secret.txt"), "root:hunter2:0:0\n")
	write(filepath.Join(suite, "shared", "gmina.yaml"), "name: Gmina\nparameters:\n  assistant.max_families: 12\n")
	write(filepath.Join(suite, "scenarios", "config", "gmina.yaml"), "name: Gmina\n")
	write(filepath.Join(suite, "scenarios", "notes.txt"), "password: hunter2\napi_key: s3cr3t\n")
	require.NoError(t, os.Symlink(filepath.Join(dir, "secret.txt"), filepath.Join(suite, "scenarios", "link.yaml")))
	return suite
}

const hardeningSteps = "workers: [{id: SW1, role: social_worker}]\nfamilies: [{id: F01}]\n" +
	"steps:\n  - {at: 2016-03-01, case: F01, do: refer, by: SW1}\n"

// TestParse_configOutsideRoot reproduces a scenario reading any file
// (config: [/etc/passwd] or ../..): each path out of the scenario's folder,
// or of the root given, is refused at the config entry and not read, and
// no line of a file that is not a configuration is echoed.
func TestParse_configOutsideRoot(t *testing.T) {
	suite := hardeningTree(t)
	for _, tt := range []struct {
		name, config string
		root         string // "" for the scenario's folder
		code         rules.Code
		line, col    int
	}{
		{"/etc/passwd", "/etc/passwd", "", rules.CodeOutsideRoot, 2, 10},
		{"/etc/shadow", "/etc/shadow", "", rules.CodeOutsideRoot, 2, 10},
		{"up and out", "../../secret.txt", "", rules.CodeOutsideRoot, 2, 10},
		{"up to the suite", "../shared/gmina.yaml", "", rules.CodeOutsideRoot, 2, 10},
		{"a link out", "link.yaml", "", rules.CodeOutsideRoot, 2, 10},
		{"a link out of the root given", "link.yaml", "..", rules.CodeOutsideRoot, 2, 10},
		{"a file that is not a configuration", "notes.txt", "", rules.CodeNotConfig, 1, 1},
		{"the root given lets the suite's files in", "../shared/gmina.yaml", "..", "", 0, 0},
		{"inside", "config/gmina.yaml", "", "", 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(suite, "scenarios", "s.yaml")
			src := "name: s\nconfig: [" + tt.config + "]\n" + hardeningSteps
			var opts []scenario.Option
			if tt.root != "" {
				opts = append(opts, scenario.WithRoot(filepath.Join(suite, "scenarios", tt.root)))
			}
			s, rs, err := scenario.Parse(path, []byte(src), opts...)
			if tt.code == "" {
				require.NoError(t, err)
				require.NotNil(t, s)
				require.NotNil(t, rs)
				return
			}
			errs := rules.AsErrors(err)
			require.Len(t, errs, 1, "%v", err)
			assert.Equal(t, tt.code, errs[0].Code, "%v", err)
			assert.Equal(t, [2]int{tt.line, tt.col}, [2]int{errs[0].Line, errs[0].Col}, "%v", err)
			if tt.code == rules.CodeOutsideRoot {
				assert.Equal(t, path, errs[0].File, "at the scenario's config entry")
			}
			for _, lang := range []rules.Lang{rules.Polish, rules.English} {
				text := errs.Localize(lang)
				for _, secret := range []string{"hunter2", "root:", "s3cr3t", "password"} {
					assert.NotContains(t, text, secret)
				}
			}
		})
	}
}

// TestParse_hostile reproduces the other attacks on the scenario loader:
// control characters, alias bombs, too many steps, a date of birth the
// engine refuses (reported at born, without the date).
func TestParse_hostile(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		code      rules.Code
		line, col int
		secret    string
	}{
		{"ESC in the name", "name: \"x\\e[2J\"\n" + hardeningSteps, rules.CodeControlChar, 1, 7, "\x1b"},
		{"NUL in a config path", "name: x\nconfig: [\"a\\0b.yaml\"]\n" + hardeningSteps, rules.CodeControlChar, 2, 10, "\x00"},
		{"a line break in an ID", "name: x\nworkers: [{id: \"SW1\\r\\nOK\", role: social_worker}]\nsteps:\n  - {at: 2016-03-01, check: {load: {A: 1}}}\n",
			rules.CodeBadValue, 2, 16, "\r"},
		{"a birth date of 1000-01-01", "name: x\nfamilies: [{id: F01}]\nchildren: [{id: C1, family: F01, born: 1000-01-01}]\n" +
			"steps:\n  - {at: 2016-03-01, check: {load: {A: 1}}}\n", rules.CodeBadDate, 3, 40, "1000"},
		{"a birth date of 31 February", "name: x\nfamilies: [{id: F01}]\nchildren: [{id: C1, family: F01, born: 2012-02-31}]\n" +
			"steps:\n  - {at: 2016-03-01, check: {load: {A: 1}}}\n", rules.CodeBadDate, 3, 40, "2012"},
		{"an alias inside its own anchor", "name: x\nsteps: &s [*s]\n", rules.CodeLimit, 2, 12, ""},
		{"an alias bomb", "name: x\na: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
			"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nsteps: *e\n", rules.CodeLimit, 7, 8, ""},
		{"too many steps", "name: x\nsteps:\n  - &s {at: 2016-03-01, check: {load: {A: 1}}}\n" + strings.Repeat("  - *s\n", scenario.MaxSteps),
			rules.CodeLimit, 3, 3, ""},
		{"a syntax error without a column", "name: x\n  steps: 1\n", rules.CodeSyntax, 2, 3, ""},
		{"a parser error on the line above", "name: x\nworkers:\n  - {id: SW1, role: social_worker\nsteps: []\n", rules.CodeSyntax, 3, 3, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := scenario.Parse("s.yaml", []byte(tt.src))
			errs := rules.AsErrors(err)
			require.NotEmpty(t, errs, "%v", err)
			assert.Equal(t, tt.code, errs[0].Code, "%v", err)
			assert.Equal(t, tt.line, errs[0].Line, "%v", err)
			if tt.col > 0 {
				assert.Equal(t, tt.col, errs[0].Col, "%v", err)
			}
			assert.Positive(t, errs[0].Col, "every problem has a column")
			if tt.secret != "" {
				for _, lang := range []rules.Lang{rules.Polish, rules.English} {
					assert.NotContains(t, errs.Localize(lang), tt.secret)
				}
			}
		})
	}
}

// TestLimits_memory loads the attack that peaked at 8.1 GB, one anchored
// step aliased over 10 MiB, and one of 2.5 MB, and asserts what loading
// allocates: under 100 MB for 2.5 MB, under 400 MB for 10 MiB. The ceiling
// is the runtime's count of every byte allocated during the load
// (runtime.MemStats.TotalAlloc), which bounds the peak of the heap: unlike
// a soft limit (debug.SetMemoryLimit, GOMEMLIMIT) it cannot be passed
// unnoticed, and unlike an address-space limit on a subprocess (prlimit
// --as) it works under the race detector. The test is not parallel, so
// nothing else allocates meanwhile.
func TestLimits_memory(t *testing.T) {
	for _, tt := range []struct {
		size, ceiling int
	}{
		{5 << 19, 100 << 20}, // 2.5 MiB
		{10 << 20, 400 << 20},
	} {
		var b strings.Builder
		b.WriteString("name: x\nsteps:\n  - &s {at: 2016-03-01, check: {load: {A: 1}}}\n")
		for b.Len() < tt.size-len("  - *s\n") {
			b.WriteString("  - *s\n")
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, _, err := scenario.Parse("s.yaml", []byte(b.String()))
		runtime.ReadMemStats(&after)
		errs := rules.AsErrors(err)
		require.NotEmpty(t, errs)
		assert.Equal(t, rules.CodeLimit, errs[0].Code, "%v", errs[0])
		allocated := after.TotalAlloc - before.TotalAlloc
		t.Logf("%d KiB file: %d MB allocated", tt.size>>10, allocated>>20)
		assert.Less(t, allocated, uint64(tt.ceiling), "a %d KiB file allocated %d MB", tt.size>>10, allocated>>20)
	}
}

// TestFailure_safePath prints a file name holding a line break quoted.
func TestFailure_safePath(t *testing.T) {
	f := scenario.Failure{Pos: scenario.Pos{File: "a\r\nOK.yaml", Line: 3}, Expected: rules.Text{EN: "x"}, Got: rules.Text{EN: "y"}}
	assert.Equal(t, `"a\r\nOK.yaml":3: expected x, got y`, f.Localize(rules.English))
}
