//go:build unix

package workflow_test

import "syscall"

// benchCPUTime returns the CPU time (user and system, every thread) the test
// process has used so far, in nanoseconds.
func benchCPUTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
