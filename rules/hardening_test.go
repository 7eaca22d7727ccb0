package rules_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
)

// TestParseConfig_hostile reproduces each attack on the configuration
// loader of docs/security.md and checks that it is refused where it is
// written, with its code, and that no message quotes what must not be
// quoted.
func TestParseConfig_hostile(t *testing.T) {
	aliasBomb := "a: &a [1,1,1,1,1,1,1,1,1,1]\n"
	for i, prev := range []string{"a", "b", "c", "d", "e"} {
		name := string(rune('b' + i))
		aliasBomb += name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 10), ",") + "]\n"
	}
	aliasBomb += "name: Gmina\n"
	var manyRules strings.Builder
	manyRules.WriteString("rules:\n")
	for i := range rules.MaxRules + 1 {
		fmt.Fprintf(&manyRules, "  - {id: local.r%d, on: refer, expr: 'true', message: {pl: a, en: b}}\n", i)
	}
	tests := []struct {
		name      string
		data      string
		code      rules.Code
		line, col int    // col 0: any column
		secret    string // never in any message
	}{
		{"a password file", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
			rules.CodeNotConfig, 1, 1, "root"},
		{"a shadow file", "root:$6$salt$hash:19000:0:99999:7:::\n", rules.CodeNotConfig, 1, 1, "$6$"},
		{"another program's YAML", "password: hunter2\napi_key: s3cr3t\n", rules.CodeNotConfig, 1, 1, "hunter2"},
		{"an unknown top key is not quoted", "name: Gmina\napi_key: s3cr3t\n", rules.CodeUnknownKey, 2, 1, "api_key"},
		{"a list", "- hunter2\n- s3cr3t\n", rules.CodeNotConfig, 1, 1, "hunter2"},
		{"a syntax error in a secret", "secret: [hunter2\n", rules.CodeSyntax, 2, 1, "hunter2"},
		{"an unknown anchor named like a secret", "name: Gmina\nlevel: *hunter2\n", rules.CodeSyntax, 2, 8, "hunter2"},
		{"NUL in the name", "name: \"Gmina\\0\"\n", rules.CodeControlChar, 1, 13, "\x00"},
		{"ESC in a rule ID", "rules:\n  - {id: \"local.\\e[31mx\", on: refer, expr: 'true', message: {pl: a, en: b}}\n",
			rules.CodeControlChar, 2, 17, "\x1b"},
		{"a forged line in a message", "rules:\n  - {id: local.x, on: refer, expr: 'true', message: {pl: \"a\\r\\nOK\", en: b}}\n",
			rules.CodeControlChar, 2, 60, "\r"},
		{"NUL in a warning's message", "rules:\n  - {id: local.x, on: refer, severity: warn, expr: 'true', message: {pl: a, en: \"b\\0\"}}\n",
			rules.CodeControlChar, 2, 83, "\x00"},
		{"C1 in a basis", "rules:\n  - {id: local.x, on: refer, expr: 'true', basis: \"art.\\x9b1\", message: {pl: a, en: b}}\n",
			rules.CodeControlChar, 2, 51, "\u009b"},
		{"bidi override in a trigger", "rules:\n  - {id: local.x, on: \"re\\u202efer\", expr: 'true', message: {pl: a, en: b}}\n",
			rules.CodeControlChar, 2, 23, "\u202e"},
		{"ESC in a parameter key", "parameters:\n  \"assistant.max_families\\e\": 12\n", rules.CodeControlChar, 2, 26, "\x1b"},
		{"an alias bomb", aliasBomb, rules.CodeLimit, 6, 0, ""},
		{"an alias inside its own anchor", "name: &a [*a]\n", rules.CodeLimit, 1, 11, ""},
		{"too many rules", manyRules.String(), rules.CodeLimit, 2, 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rules.ParseConfig("gmina.yaml", []byte(tt.data))
			errs := rules.AsErrors(err)
			require.NotEmpty(t, errs)
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

// TestParseConfig_syntaxColumns gives every YAML syntax error a line and a
// column, also those the parser gives no column, or no line, for; parser
// errors the parser numbers from 0 are placed on the right line.
func TestParseConfig_syntaxColumns(t *testing.T) {
	for _, tt := range []struct {
		data      string
		line, col int
	}{
		{"name: a\n  level: county\n", 2, 3},              // mapping values are not allowed
		{"name: a\n\tlevel: county\n", 2, 1},              // a tab in the indentation
		{"name: a\nlevel: @x\n", 2, 1},                    // a character that cannot start a token
		{"name: a\nparameters: {x: 1\nrules: []\n", 2, 1}, // an unclosed flow mapping (a parser error)
		{"name: a\n- b\n", 2, 1},                          // did not find expected key (a parser error)
		{"name: [Gmina", 1, 13},                           // the end of a file without a final line break
		{"name: 'a\n", 2, 1},                              // an unclosed quote
		{"name: a: b\n", 1, 1},                            // on the first line: no line in the parser's message
		{"name: \"\\q\"\n", 1, 1},                         // an unknown escape
	} {
		_, err := rules.ParseConfig("gmina.yaml", []byte(tt.data))
		errs := rules.AsErrors(err)
		require.NotEmpty(t, errs, "%q", tt.data)
		assert.Equal(t, rules.CodeSyntax, errs[0].Code, "%q", tt.data)
		assert.Equal(t, [2]int{tt.line, tt.col}, [2]int{errs[0].Line, errs[0].Col}, "%q: %v", tt.data, err)
		assert.NotContains(t, errs[0].Msg.EN, "line ", "the position is the error's own")
	}
}

// TestErrors_limit reports the first MaxErrors problems, then how many
// more there are.
func TestErrors_limit(t *testing.T) {
	var b strings.Builder
	b.WriteString("parameters:\n")
	for i := range 250 {
		fmt.Fprintf(&b, "  unknown.p%d: 1\n", i)
	}
	_, err := rules.New(mustParse(t, "gmina.yaml", b.String()))
	errs := rules.AsErrors(err)
	require.Len(t, errs, rules.MaxErrors+1)
	last := errs[len(errs)-1]
	assert.Equal(t, rules.CodeTooMany, last.Code)
	assert.Contains(t, last.Msg.EN, "and 150 more problems")
	assert.Contains(t, last.Msg.PL, "i 150 innych problemów")
	// Limiting again (a load merging lists) adds the counts up.
	again := append(errs, errs...).Limit()
	require.Len(t, again, rules.MaxErrors+1)
	assert.Contains(t, again[len(again)-1].Msg.EN, "and 400 more problems")
}

// TestReadFileIn keeps a file named for a scenario inside its root: a path
// out of it, directly, by .. or through a symbolic link, is refused and
// not read.
func TestReadFileIn(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "secret.yaml")
	require.NoError(t, os.WriteFile(outside, []byte("password: hunter2\n"), 0o600))
	rootDir := filepath.Join(dir, "root")
	require.NoError(t, os.MkdirAll(filepath.Join(rootDir, "config"), 0o755))
	inside := filepath.Join(rootDir, "config", "gmina.yaml")
	require.NoError(t, os.WriteFile(inside, []byte("name: Gmina\n"), 0o600))
	require.NoError(t, os.Symlink(outside, filepath.Join(rootDir, "config", "link.yaml")))
	require.NoError(t, os.Symlink(dir, filepath.Join(rootDir, "up")))
	require.NoError(t, os.Symlink("gmina.yaml", filepath.Join(rootDir, "config", "same.yaml")))
	root, err := os.OpenRoot(rootDir)
	require.NoError(t, err)
	defer root.Close()
	for _, tt := range []struct {
		name, path string
		code       rules.Code // "" when the file is read
	}{
		{"inside", inside, ""},
		{"a link inside the root", filepath.Join(rootDir, "config", "same.yaml"), ""},
		{"absolute, outside", outside, rules.CodeOutsideRoot},
		{"by ..", filepath.Join(rootDir, "config", "..", "..", "secret.yaml"), rules.CodeOutsideRoot},
		{"/etc/passwd", "/etc/passwd", rules.CodeOutsideRoot},
		{"a link to a file outside", filepath.Join(rootDir, "config", "link.yaml"), rules.CodeOutsideRoot},
		{"through a linked folder", filepath.Join(rootDir, "up", "secret.yaml"), rules.CodeOutsideRoot},
		{"missing", filepath.Join(rootDir, "none.yaml"), rules.CodeIO},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data, err := rules.ReadFileIn(root, tt.path)
			if tt.code == "" {
				require.NoError(t, err)
				assert.Equal(t, "name: Gmina\n", string(data))
				return
			}
			errs := rules.AsErrors(err)
			require.Len(t, errs, 1, "%v", err)
			assert.Equal(t, tt.code, errs[0].Code, "%v", err)
			assert.Equal(t, tt.path, errs[0].File)
			assert.Nil(t, data)
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
}

// TestSafePath quotes a file name holding a control character, so that a
// printed problem cannot forge a line.
func TestSafePath(t *testing.T) {
	assert.Equal(t, "config/gmina łódzka.yaml", rules.SafePath("config/gmina łódzka.yaml"))
	assert.Equal(t, `"a\r\nOK.yaml"`, rules.SafePath("a\r\nOK.yaml"))
	assert.Equal(t, `"\x1b[2J.yaml"`, rules.SafePath("\x1b[2J.yaml"))
	e := &rules.Error{File: "x\nOK", Line: 1, Col: 1, Code: rules.CodeSyntax, Msg: rules.Text{PL: "a", EN: "b"}}
	assert.Equal(t, `"x\nOK":1:1: b [syntax]`, e.Error())
}

// TestLimits_memory loads hostile files of 2.5 MB, an aliased
// configuration and a flat one of a node a line, and asserts that loading
// allocates less than 100 MB in all (before the limits, the aliased file
// took 751 MB).
//
// The ceiling is the allocation count of the Go runtime
// (runtime.MemStats.TotalAlloc): the total of every byte allocated during
// the load, freed or not, so the peak of the heap during the load is at
// most the heap before plus this count. It is exact and the same on every
// machine, and holds under the race detector. A memory limit set with
// debug.SetMemoryLimit or GOMEMLIMIT is soft (the runtime may pass it), and
// an address-space limit (prlimit --as, ulimit -v) in a subprocess breaks
// the race detector, which reserves terabytes of address space. The test is
// not parallel, so nothing else allocates meanwhile.
func TestLimits_memory(t *testing.T) {
	const size = 5 << 19 // 2.5 MiB
	var aliased strings.Builder
	aliased.WriteString("rules:\n  - &r {id: local.a, on: refer, expr: 'true', message: {pl: a, en: b}}\n")
	for aliased.Len() < size {
		aliased.WriteString("  - *r\n")
	}
	var flat strings.Builder
	flat.WriteString("name: [")
	for flat.Len() < size {
		flat.WriteString("aaaa,")
	}
	flat.WriteString("a]\n")
	for name, data := range map[string]string{"aliased": aliased.String(), "flat": flat.String()} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := rules.ParseConfig("gmina.yaml", []byte(data))
		runtime.ReadMemStats(&after)
		errs := rules.AsErrors(err)
		require.NotEmpty(t, errs, name)
		assert.Equal(t, rules.CodeLimit, errs[0].Code, "%s: %v", name, errs[0])
		allocated := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d MB allocated", name, allocated>>20)
		assert.Less(t, allocated, uint64(100<<20), "%s: loading a 2.5 MB file allocated %d MB", name, allocated>>20)
	}
}
