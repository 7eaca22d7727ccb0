package scenario_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow/scenario"
)

// FuzzParse feeds arbitrary bytes to Parse: it never panics, a parsed
// scenario comes with its rule set, and every problem has a code and a
// file.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/*.yaml", "testdata/malformed/*.yaml", "testdata/run/*.yaml", "../../examples/scenarios/*.yaml"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("name: x\nsteps: [{at: 2016-01-01, check: {load: {A: 1}}}]\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Add([]byte("name: &a [*a]\n"))
	// Hardening (docs/security.md): files outside the folder, control
	// characters, alias bombs, a birth date the engine refuses.
	f.Add([]byte("name: x\nconfig: [/etc/passwd, ../../go.mod, \"a\\0b\"]\nsteps: [{at: 2016-01-01, check: {load: {A: 1}}}]\n"))
	f.Add([]byte("name: \"x\\e[2J\"\nsteps: [{at: 2016-01-01, check: {load: {A: 1}}}]\n"))
	f.Add([]byte("name: x\nsteps:\n  - &s {at: 2016-01-01, check: {load: {A: 1}}}\n" + strings.Repeat("  - *s\n", 1000)))
	f.Add([]byte("name: x\nfamilies: [{id: F}]\nchildren: [{id: C, family: F, born: 1000-01-01}]\nsteps: [{at: 2016-01-01, check: {load: {A: 1}}}]\n"))
	f.Add([]byte("name: x\n  steps: 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Configuration files are read from disk: keep the fuzzer away from
		// device and process files.
		for _, special := range []string{"/dev", "/proc", "/sys"} {
			if bytes.Contains(data, []byte(special)) {
				t.Skip()
			}
		}
		s, rs, err := scenario.Parse("fuzz.yaml", data)
		if err == nil {
			if s == nil || rs == nil {
				t.Fatalf("no error, but scenario %v and rule set %v", s, rs)
			}
			return
		}
		if s != nil || rs != nil {
			t.Fatalf("an error and a scenario: %v", err)
		}
		errs := rules.AsErrors(err)
		if len(errs) == 0 {
			t.Fatalf("not rules.Errors: %T %v", err, err)
		}
		for _, e := range errs {
			if e.Code == "" || e.File == "" {
				t.Fatalf("a problem without a code or a file: %#v", e)
			}
			if e.Msg.PL == "" || e.Msg.EN == "" {
				t.Fatalf("a problem without a message: %#v", e)
			}
			if e.Code == rules.CodeSyntax && (e.Line < 1 || e.Col < 1) {
				t.Fatalf("a syntax problem without a line and a column: %v", e)
			}
		}
	})
}
