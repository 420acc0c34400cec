//go:build !unix

package bench

import "time"

// cpuTime is zero where getrusage does not exist: the CPU-per-run rows
// then read 0.
func cpuTime() time.Duration { return 0 }
