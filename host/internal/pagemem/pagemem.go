// Package pagemem is the host memory under the sandbox's instances: linear
// memories reserved without being committed, snapshot images that clones
// map copy-on-write, and, on Linux, reading which pages a clone wrote
// (/proc/self/pagemap) and copying pages ahead of a run (prefault).
// Elsewhere memory comes from the Go heap, a clone copies its snapshot,
// and there are no faults to learn or avoid.
//
// It knows nothing of guests or runs: package sandbox decides which pages
// to prefault and when to copy a clone back.
package pagemem

import "os"

var pageSize = os.Getpagesize()

// PageSize is the host's page size, the unit of Span and Writes.
func PageSize() int { return pageSize }

// Span is a run of pages [First, First+Count).
type Span struct{ First, Count int }

// Writes tells, for each page of a memory, whether it was written.
type Writes []bool

// Spans returns the runs of written pages.
func (w Writes) Spans() []Span { return w.AppendSpans(nil) }

// AppendSpans appends w's spans of written pages to spans.
func (w Writes) AppendSpans(spans []Span) []Span {
	for i, written := range w {
		if !written {
			continue
		}
		if n := len(spans); n > 0 && spans[n-1].First+spans[n-1].Count == i {
			spans[n-1].Count++
		} else {
			spans = append(spans, Span{i, 1})
		}
	}
	return spans
}

// Scan holds the buffers that reading a memory's written pages reuses, so
// that resetting a clone after each run allocates nothing. Its zero value
// is ready to use; it is not safe for concurrent use.
type Scan struct {
	entries []byte
	written Writes
	spans   []Span
}

// CopyBack copies from snapshot every page of mem written since mem mapped
// it (see Written), and reports whether it could tell which those are.
func CopyBack(mem, snapshot []byte, scan *Scan) bool {
	written, ok := Written(mem, scan)
	if !ok {
		return false
	}
	scan.spans = written.AppendSpans(scan.spans[:0])
	for _, s := range scan.spans {
		lo, hi := s.First*pageSize, (s.First+s.Count)*pageSize
		copy(mem[lo:hi], snapshot[lo:hi])
	}
	return true
}
