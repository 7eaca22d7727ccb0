//go:build race

package national_test

// raceEnabled: tests under the race detector use smaller scales.
const raceEnabled = true
