package sandbox

import (
	"time"

	"github.com/jobbox/jobbox/host/internal/meter"
)

// DefaultLimits returns the limits that apply where a job sets none.
func DefaultLimits() Limits {
	return Limits{
		Timeout:     30 * time.Second,
		MemoryBytes: 64 << 20,
		LogLines:    1000,
		LogBytes:    64 << 10,
		HostCalls:   100_000,
		CallBytes:   1 << 20,
		RunBytes:    64 << 20,
		StackDepth:  meter.DefaultStackDepth,
	}
}

// withDefaults fills each limit l leaves unset (zero or less) from
// DefaultLimits. Runs resolve their limits once, so the host functions read
// plain values.
func withDefaults(l Limits) Limits {
	d := DefaultLimits()
	orDefault(&d.Timeout, l.Timeout)
	orDefault(&d.MemoryBytes, l.MemoryBytes)
	orDefault(&d.LogLines, l.LogLines)
	orDefault(&d.LogBytes, l.LogBytes)
	orDefault(&d.HostCalls, l.HostCalls)
	orDefault(&d.CallBytes, l.CallBytes)
	orDefault(&d.RunBytes, l.RunBytes)
	orDefault(&d.StackDepth, l.StackDepth)
	return d
}

// orDefault sets *dst to v when v is set (positive).
func orDefault[T int | int64 | uint64 | time.Duration](dst *T, v T) {
	if v > 0 {
		*dst = v
	}
}
