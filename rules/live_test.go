package rules_test

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asysta/asysta/rules"
)

func capFile(n int) string {
	return fmt.Sprintf("name: Gmina Zmienna\nparameters:\n  assistant.max_families: %d\n", n)
}

func TestOpenLive_statute(t *testing.T) {
	l, err := rules.OpenLive()
	require.NoError(t, err)
	assert.Equal(t, rules.Statute().Revision(), l.RuleSet().Revision())
	changed, err := l.Reload()
	require.NoError(t, err)
	assert.False(t, changed)
}

func TestOpenLive_badFile(t *testing.T) {
	l, err := rules.OpenLive("testdata/errors/ceiling_raised.yaml")
	assert.Nil(t, l)
	assert.True(t, rules.AsErrors(err).Has(rules.CodeCeilingRaised))
}

func TestLive_Reload(t *testing.T) {
	path := writeFile(t, t.TempDir(), "gmina.yaml", capFile(12))
	l, err := rules.OpenLive(path)
	require.NoError(t, err)
	first := l.RuleSet()
	value, source := paramSource(t, first, "assistant.max_families", "2024-03-01")
	assert.Equal(t, 12, value)
	assert.Equal(t, path+":3", source)

	// Nothing changed on disk.
	changed, err := l.Reload()
	require.NoError(t, err)
	assert.False(t, changed)
	assert.Equal(t, first.Revision(), l.RuleSet().Revision())

	// Only layout changed.
	require.NoError(t, os.WriteFile(path, []byte("# a comment\n"+capFile(12)), 0o644))
	changed, err = l.Reload()
	require.NoError(t, err)
	assert.False(t, changed, "a comment does not change the revision")

	// A valid change swaps the revision.
	require.NoError(t, os.WriteFile(path, []byte(capFile(10)), 0o644))
	changed, err = l.Reload()
	require.NoError(t, err)
	assert.True(t, changed)
	second := l.RuleSet()
	assert.NotEqual(t, first.Revision(), second.Revision())
	value, _ = paramSource(t, second, "assistant.max_families", "2024-03-01")
	assert.Equal(t, 10, value)
	value, _ = paramSource(t, first, "assistant.max_families", "2024-03-01")
	assert.Equal(t, 12, value, "a RuleSet handed out never changes")

	// An invalid change keeps the old rule set and reports every problem.
	require.NoError(t, os.WriteFile(path, []byte(capFile(17)+"  interview.deadline: soon\n"), 0o644))
	changed, err = l.Reload()
	assert.False(t, changed)
	list := rules.AsErrors(err)
	require.Len(t, list, 2, "%v", err)
	assert.Equal(t, path, list[0].File)
	assert.Same(t, second, l.RuleSet(), "the old rule set stays in force")

	// So does a file that disappeared.
	require.NoError(t, os.Remove(path))
	_, err = l.Reload()
	assert.True(t, rules.AsErrors(err).Has(rules.CodeIO))
	assert.Same(t, second, l.RuleSet())

	// And a fixed file is taken up again.
	require.NoError(t, os.WriteFile(path, []byte(capFile(12)), 0o644))
	changed, err = l.Reload()
	require.NoError(t, err)
	assert.True(t, changed)
	assert.Equal(t, first.Revision(), l.RuleSet().Revision())
}

func TestLive_concurrentReaders(t *testing.T) {
	path := writeFile(t, t.TempDir(), "gmina.yaml", capFile(12))
	l, err := rules.OpenLive(path)
	require.NoError(t, err)

	var stop atomic.Bool
	var readers sync.WaitGroup
	var decisions atomic.Int64
	for g := range 8 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for i := 0; !stop.Load() || i < 50; i++ {
				rs := l.RuleSet() // one unit of work uses one rule set
				limit, ok := rs.Param("assistant.max_families", day("2024-03-01"))
				if !ok {
					t.Error("no cap in force")
					return
				}
				families := (g + i) % 16
				d, err := rs.Decide(trAssignAssistant, day("2024-03-01"), assignment(families, false))
				if err != nil {
					t.Error(err)
					return
				}
				if want := families < limit.Int(); d.Allowed != want {
					t.Errorf("cap %d, %d families: allowed %v, want %v", limit.Int(), families, d.Allowed, want)
				}
				if d.Revision != rs.Revision() {
					t.Errorf("decision revision %s, rule set %s", d.Revision, rs.Revision())
				}
				decisions.Add(1)
			}
		}()
	}

	contents := []string{capFile(10), capFile(99), capFile(12), "parameters: [", capFile(8), capFile(15)}
	for i := range 60 {
		src := contents[i%len(contents)]
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Error(err)
			break
		}
		_, err := l.Reload()
		if valid := src != capFile(99) && src != "parameters: ["; valid != (err == nil) {
			t.Errorf("reload of %q: %v", src, err)
		}
	}
	stop.Store(true)
	readers.Wait()
	assert.Positive(t, decisions.Load())
	value, _ := paramSource(t, l.RuleSet(), "assistant.max_families", "2024-03-01")
	assert.Equal(t, 15, value, "the last valid file is in force")
}
