// Package scenario reads and plays scenario files: dated stories of
// triggers and expectations over asysta's lifecycles (docs/scenarios.md). Downstream test suites run them inside go test with [Test];
// people run them with `asysta test`.
//
// # Files
//
// A scenario declares workers, families, children, foster families and
// institutions, then lists steps in date order. A step fires a trigger
// (do, case, by, with) and expects an outcome (ok by default, denied with
// rule IDs, forbidden, invalid, argument, or warned with rule IDs: a
// success with those warnings), and may check states, due
// dates, obligations not due or overdue, and workers' loads. [Parse]
// reports every problem of a malformed file at once, each at
// file:line:col; a malformed file never passes.
//
// # Go
//
// [Test] runs files or folders as subtests, reporting each failed
// expectation at its file:line. [Story] writes the same kind of story in
// Go, reporting failures at the Go line of the step.
//
// # Concurrency
//
// A parsed [Scenario] is plain data; [Scenario.Run] plays it on its own
// engine and in-memory store, so scenarios run in parallel safely.
package scenario
