//go:build !race

package rules

// raceEnabled is set when the tests run under the race detector, which
// changes allocation counts.
const raceEnabled = false
