// Package storetest checks a [workflow.Store] implementation against the
// contract documented on that interface, in the manner of testing/slogtest.
//
// A store's own tests call [Run] with a function that returns a fresh,
// empty store for each subtest:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) workflow.Store {
//			db := openTestDatabase(t) // dropped by t.Cleanup
//			return pgstore.New(db)
//		})
//	}
//
// The suite covers reads of missing cases, versions and event sequence
// numbers, copies (a store never shares memory with its callers),
// optimistic concurrency (stale versions and stale guard keys make the
// whole batch fail with an error matching [workflow.ErrConflict] and
// writing nothing), the index that counts workers' and carers' loads and
// its key versions, a caseload cap kept under concurrent assignments, Scan
// (when the store is a [workflow.Scanner]), the versioned and lookup-only
// keys, the keys a write raises ([workflow.RaisedKeys]), IndexMany and
// Tally, due obligations by date and by worker, and cancelled contexts.
// Its writes of existing cases carry Before, as the engine's do.
//
// Every subtest compares what it reads back through the JSON encoding of
// cases and events, so a store that round-trips them through JSON (e.g. a
// database column) passes as long as it keeps their content.
package storetest
