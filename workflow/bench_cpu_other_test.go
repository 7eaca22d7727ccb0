//go:build !unix

package workflow_test

// benchCPUTime is not measured on this platform: the benchmarks report no
// cpu-ns/op.
func benchCPUTime() int64 { return 0 }
