package scenario

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/asysta/asysta/rules"
)

// Files expands paths into scenario files: a file as it is, a folder into
// every *.yaml and *.yml in it (not recursively), sorted.
func Files(paths ...string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		var found []string
		for _, e := range entries {
			if ext := strings.ToLower(filepath.Ext(e.Name())); !e.IsDir() && (ext == ".yaml" || ext == ".yml") {
				found = append(found, filepath.Join(p, e.Name()))
			}
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

// RunFile parses and runs one scenario file. A malformed file gives a
// [rules.Errors] error and no report.
func RunFile(ctx context.Context, path string, opts ...Option) (*Report, error) {
	s, rs, err := ParseFile(path, opts...)
	if err != nil {
		return nil, err
	}
	return s.Run(ctx, rs)
}

// Test runs scenario files (or folders of them) as subtests of t, one per
// file, named after the scenario. A malformed file fails its subtest with
// every problem at file:line:col; each failed expectation is reported at
// its file:line with what was expected and what happened (in English; set
// lang with [TestLang]).
func Test(t *testing.T, paths ...string) { TestLang(t, rules.English, paths...) }

// TestLang is [Test] with messages in lang.
func TestLang(t *testing.T, lang rules.Lang, paths ...string) {
	t.Helper()
	TestWith(t, lang, nil, paths...)
}

// TestWith is [TestLang] with options for loading each file: [WithRoot]
// lets the scenarios read configuration files anywhere inside a folder of
// the test suite, e.g.
//
//	scenario.TestWith(t, rules.English, []scenario.Option{scenario.WithRoot("testdata")}, "testdata/scenarios")
func TestWith(t *testing.T, lang rules.Lang, opts []Option, paths ...string) {
	t.Helper()
	files, err := Files(paths...)
	if err != nil {
		t.Fatalf("scenario: %v", err)
	}
	if len(files) == 0 {
		t.Fatalf("scenario: no scenario files in %q", paths)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)), func(t *testing.T) {
			t.Helper()
			rep, err := RunFile(t.Context(), f, opts...)
			report(t, lang, rep, err)
		})
	}
}

// report turns a run's outcome into test failures.
func report(t *testing.T, lang rules.Lang, rep *Report, err error) {
	t.Helper()
	if errs := rules.AsErrors(err); errs != nil {
		for _, e := range errs {
			t.Error(e.Localize(lang))
		}
		return
	}
	if err != nil {
		t.Error(err)
		return
	}
	for _, f := range rep.Failures {
		t.Error(f.Localize(lang))
	}
}
