//go:build race

package caseload_test

// raceEnabled: tests under the race detector use smaller scales.
const raceEnabled = true
