package scenario

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/asysta/asysta/internal/yamltext"
	"github.com/asysta/asysta/rules"
	"go.yaml.in/yaml/v3"
)

// FileKind is what a YAML file holds, told by its top-level keys.
type FileKind int

// The kinds of YAML files found in a folder of scenarios.
const (
	// FileScenario has a key only a scenario has (steps, workers,
	// families, …), or cannot be told apart: it is parsed as a scenario,
	// which reports its problems.
	FileScenario FileKind = iota
	// FileConfig is a configuration file (level, parameters, rules) with
	// no key of a scenario: scenarios name it in their config.
	FileConfig
	// FileOther is neither: an empty file, a list, or a mapping with no
	// key of either format.
	FileOther
)

// scenarioKeys are the top-level keys only a scenario has; configKeys
// those only a configuration file has (docs/configuration.md). Both have
// name.
var (
	scenarioKeys = []string{"steps", "config", "workers", "families", "children", "foster_families", "institutions"}
	configKeys   = []string{"level", "parameters", "rules", "$schema"}
)

// Classify tells a scenario from a configuration file by the top-level
// keys of its first YAML document. A file that is not valid YAML, or too
// large to look at, is a [FileScenario]: parsing it reports why.
func Classify(data []byte) FileKind {
	if _, _, over := yamltext.TooManyMarks(data); over {
		return FileScenario
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if len(bytes.TrimSpace(data)) == 0 {
			return FileOther
		}
		return FileScenario
	}
	return classifyDoc(&doc)
}

// classifyDoc is [Classify] of a decoded document.
func classifyDoc(doc *yaml.Node) FileKind {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return FileOther
	}
	top, config := doc.Content[0], false
	for i := 0; i+1 < len(top.Content); i += 2 {
		k := top.Content[i].Value
		if slices.Contains(scenarioKeys, k) {
			return FileScenario
		}
		config = config || slices.Contains(configKeys, k)
	}
	if config {
		return FileConfig
	}
	return FileOther
}

// Files expands paths into scenario files: a file as it is, a folder into
// every *.yaml and *.yml in it (not recursively), sorted. A folder's
// configuration files (see [Classify]), which its scenarios name in their
// config, are left out; a file that is neither a scenario nor a
// configuration is kept, and parsing it reports what it is.
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
			ext := strings.ToLower(filepath.Ext(e.Name()))
			if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
				continue
			}
			f := filepath.Join(p, e.Name())
			if data, err := rules.ReadFile(f); err == nil && Classify(data) == FileConfig {
				continue // a configuration its scenarios name; unreadable files are kept, to be reported
			}
			found = append(found, f)
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

// Test runs scenario files (or folders of them; their configuration files
// are left out, see [Files]) as parallel subtests of t, one per file,
// named after the scenario's name (spaces and punctuation as _; the file's
// name for a file that does not parse). A malformed file fails its subtest
// with every problem at file:line:col; each failed expectation is reported
// at its file:line with what was expected and what happened (in English;
// set lang with [TestLang]).
func Test(t *testing.T, paths ...string) {
	t.Helper()
	TestWith(t, rules.English, nil, paths...)
}

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
		s, rs, err := ParseFile(f, opts...)
		name := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		if err == nil {
			name = SubtestName(s.Name)
		}
		t.Run(name, func(t *testing.T) {
			t.Helper()
			t.Parallel()
			if err != nil {
				report(t, lang, nil, err)
				return
			}
			rep, err := s.Run(t.Context(), rs)
			report(t, lang, rep, err)
		})
	}
}

// SubtestName turns a scenario's name into a subtest's: letters and digits
// are kept, every other run of characters becomes one _, so that -run
// matches it and no / nests it ("the municipal cap of 12 families" →
// "the_municipal_cap_of_12_families").
func SubtestName(name string) string {
	var b strings.Builder
	gap := false
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '.' {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
			continue
		}
		gap = true
	}
	if b.Len() == 0 {
		return "scenario"
	}
	return b.String()
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
