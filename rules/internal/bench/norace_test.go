//go:build !race

package bench

// raceEnabled is set when the tests run under the race detector, which
// changes allocation counts.
const raceEnabled = false
