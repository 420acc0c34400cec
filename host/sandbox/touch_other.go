//go:build !linux

package sandbox

// Elsewhere a clone copies its snapshot (memory_other.go): there are no
// faults to learn or avoid.

func writtenPages([]byte, *pageScan) (pageWrites, bool) { return nil, false }

func populate([]byte, []pageSpan) {}
