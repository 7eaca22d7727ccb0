package workflow_test

import (
	"os"
	"sync"
	"testing"

	"github.com/asysta/asysta/internal/pgstoretest"
	"github.com/asysta/asysta/internal/pgtest"
	"github.com/asysta/asysta/workflow"
	"github.com/stretchr/testify/assert"
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
// (see internal/pgtest); `go test -skip /postgres` leaves it out.
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

// assertSameCase asserts that want and got are equal. On PostgreSQL, when
// one has empty and the other nil Obligations, it compares them with nil
// Obligations both and marks t to be skipped at its end (a failure stays
// a failure): the engine leaves an empty, non-nil slice when a transition
// closes a case's last obligation (slices.DeleteFunc in
// workflow/obligations.go), which the memory store gives back as it is,
// while pgstore keeps a case as its JSON form, where Obligations is
// omitempty, and gives it back nil. The skip ends by itself once the
// engine leaves nil there.
func (w *world) assertSameCase(t testing.TB, want, got *workflow.Case, msgAndArgs ...any) bool {
	t.Helper()
	if w.kind.pg != nil && emptyNotNil(want) != emptyNotNil(got) {
		want, got = nilObligations(want), nilObligations(got)
		if _, marked := divergent.LoadOrStore(t, true); !marked {
			id := want.ID
			t.Cleanup(func() {
				t.Skipf("pgstore divergence: the engine leaves %s with empty, not nil, Obligations, which pgstore's JSON snapshot gives back nil", id)
			})
		}
	}
	return assert.Equal(t, want, got, msgAndArgs...)
}

// divergent holds the tests assertSameCase has marked to be skipped.
var divergent sync.Map

func emptyNotNil(c *workflow.Case) bool {
	return c != nil && c.Obligations != nil && len(c.Obligations) == 0
}

// nilObligations returns c, or a shallow copy of it with nil Obligations
// when it has none.
func nilObligations(c *workflow.Case) *workflow.Case {
	if !emptyNotNil(c) {
		return c
	}
	cp := *c
	cp.Obligations = nil
	return &cp
}
