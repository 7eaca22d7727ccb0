// Package bench compares the rules engine with its peers: bare expr, cel-go
// and plain Go evaluating the same statutory rule, in one `go test -bench`
// run, so that the figures in docs/performance.md come from one machine
// under one load.
//
// It is a module of its own (github.com/asysta/asysta/rules/internal/bench,
// with a replace directive pointing at the repository) so that cel-go and its
// dependencies appear only in this go.mod: importers of
// github.com/asysta/asysta never download cel-go, and the library's go.mod
// and go.sum stay as small as its real dependencies. The package holds only
// tests and benchmarks.
//
// Run it from this directory:
//
//	go test ./...                                          # the peers agree
//	go test -run '^$' -bench . -benchmem -count 5          # the comparison
//
// or `make test` and `make bench` from the repository root.
package bench
