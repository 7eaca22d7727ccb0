package workflow_test

import (
	"os"
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

// assertSameCase asserts that want and got are equal: the same case on
// every store.
func (w *world) assertSameCase(t testing.TB, want, got *workflow.Case, msgAndArgs ...any) bool {
	t.Helper()
	return assert.Equal(t, want, got, msgAndArgs...)
}
