//go:build race

package workflow_test

// raceEnabled is set when the tests run under the race detector, which
// changes allocation counts.
const raceEnabled = true
