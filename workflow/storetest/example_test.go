package storetest_test

import (
	"testing"

	"github.com/asysta/asysta/workflow"
	"github.com/asysta/asysta/workflow/storetest"
)

// A store's tests run the suite with a function returning a fresh, empty
// store for each subtest; t lets it register cleanups (dropping a test
// schema, closing a connection).
func Example() {
	testConformance := func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) workflow.Store {
			s := workflow.NewMemoryStore() // e.g. pgstore.New(testDB(t))
			t.Cleanup(func() {})
			return s
		})
	}
	_ = testConformance
}
