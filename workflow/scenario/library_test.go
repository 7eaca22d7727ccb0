package scenario_test

import (
	"slices"
	"testing"

	"github.com/asysta/asysta/rules"
	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// library is the scenario library: realistic stories that together cover
// the contract's vocabulary.
const library = "../../examples/scenarios"

// TestLibrary runs every scenario of the library.
func TestLibrary(t *testing.T) {
	t.Parallel()
	scenario.Test(t, library)
}

// TestLibrary_Polish runs the library with messages in Polish: a failure
// would be reported in Polish, and nothing may fail either way.
func TestLibrary_Polish(t *testing.T) {
	t.Parallel()
	scenario.TestLang(t, rules.Polish, library)
}

// coverage is what the library exercises, gathered from the parsed files.
type coverage struct {
	fired      map[rules.Lifecycle]map[string]bool // triggers fired, by lifecycle
	denied     map[string]bool                     // rules named in expect.denied
	outcomes   map[scenario.Outcome]bool
	due        map[string]bool // obligations checked with due
	overdue    map[string]bool // obligations checked with overdue
	notDue     map[string]bool
	checks     map[scenario.CheckKind]bool
	configured int // scenarios with config files
}

func libraryCoverage(t *testing.T) coverage {
	t.Helper()
	files, err := scenario.Files(library)
	require.NoError(t, err)
	require.NotEmpty(t, files)
	cov := coverage{fired: map[rules.Lifecycle]map[string]bool{}, denied: map[string]bool{},
		outcomes: map[scenario.Outcome]bool{}, due: map[string]bool{}, overdue: map[string]bool{},
		notDue: map[string]bool{}, checks: map[scenario.CheckKind]bool{}}
	for _, f := range files {
		s, _, err := scenario.ParseFile(f)
		require.NoError(t, err, "%s", f)
		cov.add(s)
	}
	return cov
}

func (cov *coverage) add(s *scenario.Scenario) {
	lifecycle := map[string]rules.Lifecycle{}
	for _, f := range s.Families {
		lifecycle[f.ID] = rules.LifecycleFamily
	}
	for _, c := range s.Children {
		lifecycle[c.ID] = rules.LifecycleChild
	}
	for _, f := range s.FosterFamilies {
		lifecycle[f.ID] = rules.LifecycleFosterFamily
	}
	if len(s.Config) > 0 {
		cov.configured++
	}
	for _, st := range s.Steps {
		if st.Do != "" {
			l := lifecycle[st.Case]
			if cov.fired[l] == nil {
				cov.fired[l] = map[string]bool{}
			}
			cov.fired[l][st.Do] = true
			cov.outcomes[st.Expect.Outcome] = true
		}
		for _, r := range st.Expect.Rules {
			cov.denied[r] = true
		}
		for _, c := range st.Checks {
			cov.checks[c.Kind] = true
			switch c.Kind {
			case scenario.CheckDue:
				cov.due[c.Obligation] = true
			case scenario.CheckOverdue:
				cov.overdue[c.Obligation] = true
			case scenario.CheckNotDue:
				cov.notDue[c.Obligation] = true
			}
		}
	}
}

// TestLibraryCoverage keeps the library from rotting: every trigger of
// every lifecycle is fired somewhere, every statutory rule that blocks is
// expected in a denial, every obligation's due date is checked and found
// overdue, and every kind of expectation and check is used.
func TestLibraryCoverage(t *testing.T) {
	t.Parallel()
	cov := libraryCoverage(t)
	for _, l := range []rules.Lifecycle{rules.LifecycleFamily, rules.LifecycleChild, rules.LifecycleFosterFamily} {
		triggers := workflow.Triggers(l)
		require.NotEmpty(t, triggers, "lifecycle %s", l)
		for _, tr := range triggers {
			assert.True(t, cov.fired[l][tr], "no scenario fires %s.%s", l, tr)
		}
	}
	guards := 0
	for _, p := range rules.Statute().Programs() {
		r := p.Rule()
		if r.Kind != rules.KindGuard {
			continue
		}
		guards++
		if r.Severity == rules.Block {
			assert.True(t, cov.denied[r.ID], "no scenario expects a denial by %s", r.ID)
			continue
		}
		// A warning never refuses: it is covered when its trigger is fired.
		fired := slices.ContainsFunc(p.Triggers(), func(tr rules.Trigger) bool { return cov.fired[tr.Lifecycle][tr.Name] })
		assert.True(t, fired, "no scenario fires a trigger of the warning %s", r.ID)
	}
	assert.GreaterOrEqual(t, guards, 8, "the statutory guards of docs/rules.md")
	for _, o := range workflow.Obligations {
		assert.True(t, cov.due[o], "no scenario checks the due date of %s", o)
		assert.True(t, cov.overdue[o], "no scenario finds %s overdue", o)
		assert.True(t, cov.notDue[o], "no scenario sees %s closed (not_due)", o)
	}
	for _, o := range []scenario.Outcome{scenario.ExpectOK, scenario.ExpectDenied, scenario.ExpectForbidden, scenario.ExpectInvalid, scenario.ExpectArgument} {
		assert.True(t, cov.outcomes[o], "no scenario expects %s", o)
	}
	for _, k := range []scenario.CheckKind{scenario.CheckState, scenario.CheckDue, scenario.CheckNotDue, scenario.CheckOverdue, scenario.CheckLoad} {
		assert.True(t, cov.checks[k], "no scenario checks %s", k)
	}
	assert.Positive(t, cov.configured, "no scenario uses a configuration file")
	assert.True(t, cov.denied["local.weighted_caseload"], "no scenario is denied by a local rule")
}

// BenchmarkLibrary runs the whole scenario library as `asysta test
// examples/scenarios` does: parse every file with its configuration, play
// it on a fresh engine, check every expectation. For information
// (docs/performance.md); it must stay well under a second.
func BenchmarkLibrary(b *testing.B) {
	files, err := scenario.Files(library)
	require.NoError(b, err)
	ctx := b.Context()
	for b.Loop() {
		for _, f := range files {
			rep, err := scenario.RunFile(ctx, f)
			if err != nil || !rep.Passed() {
				b.Fatalf("%s: %v", f, err)
			}
		}
	}
	b.ReportMetric(float64(len(files)), "scenarios")
}
