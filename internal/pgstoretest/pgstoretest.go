// Package pgstoretest gives a test a workflow/pgstore store of its own, on
// the server internal/pgtest provides. A test package using it wires
// pgtest in TestMain, so that a cluster started for its tests is stopped:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
package pgstoretest

import (
	"context"
	"testing"

	"github.com/asysta/asysta/internal/pgtest"
	"github.com/asysta/asysta/workflow/pgstore"
)

// New opens a store with [pgstore.Open] on a fresh schema of the test
// server (see [pgtest.Schema]), migrated, and returns it with the schema's
// URL, for tests that open more pools on it. When the test ends the
// store's pool is closed and the schema dropped. With no server to be had
// it skips the test, or under CI fails it, as [pgtest.URL] does.
func New(t testing.TB) (*pgstore.Store, string) {
	t.Helper()
	u := pgtest.Schema(t)
	s, err := pgstore.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("pgstore.Open: %v", err)
	}
	t.Cleanup(s.Close) // registered after Schema's, so it runs before the schema is dropped
	return s, u
}
