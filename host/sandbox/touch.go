package sandbox

import (
	"slices"
	"sync"

	"github.com/jobbox/jobbox/host/internal/pagemem"
)

// A clone maps its snapshot copy-on-write, so the first time a run writes
// a page of it the kernel stops the run to copy that page. Which pages a
// guest's runs write hardly changes from run to run (the Go runtime and
// the interpreter do the same work in the same memory), so the engine
// learns them from a sample of finished runs and has each new clone copy
// them in bulk (prefault) before a run takes it, off the run's path.
// Pages runs only read are left to fault: the kernel maps sixteen at a
// time then, which costs the run less than mapping them ahead costs the
// host. RATIONALE.md has the figures.

// Learning: the first touchSamples clones of a guest, and every
// touchEvery-th after, are left to fault, and the pages their runs wrote
// are read back. A page is prefaulted when at least half of the last
// touchSamples samples wrote it, so one unusual run (a job that fills its
// memory) does not make every clone copy what only it needed.
const (
	touchSamples = 4
	touchEvery   = 16
)

// touchProfile learns which pages of one guest's snapshot runs write.
type touchProfile struct {
	mu      sync.Mutex
	clones  int
	samples []pagemem.Writes // the last touchSamples, oldest first
	// hot is the pages to prefault, as spans, so a clone makes one system
	// call per span.
	hot []pagemem.Span
}

// wantSample reports whether the clone being made should be sampled
// rather than prefaulted: a prefaulted clone shows every page it was
// given as written.
func (p *touchProfile) wantSample() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clones++
	return p.clones <= touchSamples || p.clones%touchEvery == 0
}

// add records a sample and recomputes the pages to prefault.
func (p *touchProfile) add(w pagemem.Writes) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.samples) == touchSamples {
		p.samples = append(p.samples[:0], p.samples[1:]...)
	}
	p.samples = append(p.samples, w)
	pages := 0
	for _, s := range p.samples {
		pages = max(pages, len(s))
	}
	need := (len(p.samples) + 1) / 2
	hot := make(pagemem.Writes, pages)
	for i := range hot {
		hot[i] = p.written(i) >= need
	}
	p.hot = hot.Spans()
}

// written counts the samples that wrote page i. The caller holds p.mu.
func (p *touchProfile) written(i int) int {
	n := 0
	for _, s := range p.samples {
		if i < len(s) && s[i] {
			n++
		}
	}
	return n
}

// prefault has the pages of mem that runs are expected to write copied
// now. Errors are ignored: a page not prefaulted faults when written.
func (p *touchProfile) prefault(mem []byte) {
	p.mu.Lock()
	hot := p.hot
	p.mu.Unlock()
	pagemem.Populate(mem, hot)
}

// learn samples which pages the run that used mem wrote. It runs after
// the run, before its instance closes.
func (p *touchProfile) learn(mem []byte, scan *pagemem.Scan) {
	if w, ok := pagemem.Written(mem, scan); ok {
		p.add(slices.Clone(w)) // scan's buffer is reused
	}
}
