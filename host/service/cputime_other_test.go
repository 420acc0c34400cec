//go:build !unix

package service

import "time"

// processCPU is not measured here: the benchmark's CPU figure reads 0.
func processCPU() time.Duration { return 0 }
