package sandbox

import "sync"

// A clone maps its snapshot copy-on-write, so the first time a run writes
// a page of it the kernel stops the run to copy that page, and the first
// time it reads one, to map it. A trivial Lua run meets some 160 such
// faults, about half its time from start to end. Which pages a guest's runs
// touch hardly changes from run to run (the Go runtime and the interpreter
// do the same work in the same memory), so the engine learns them from a
// sample of finished runs and has each new clone's pages copied or mapped
// in bulk (prefault) before a run takes it: off the run's path, and cheaper
// than the faults, which each enter the kernel alone. RATIONALE.md has the
// figures.

// Learning: a sample is taken from each of the first touchSamples runs of a
// guest and from every touchEvery-th run after, and a page is prefaulted
// when at least half of the last touchSamples samples touched it, so one
// unusual run (a job that fills its memory) does not make every clone copy
// what only it needed.
const (
	touchSamples = 4
	touchEvery   = 16
)

// pageSpan is a run of pages [first, first+count).
type pageSpan struct{ first, count int }

// pageTouch is what one run did to the pages of its snapshot: each page is
// untouched, read or written.
type pageTouch []pageUse

type pageUse uint8

const (
	pageUntouched pageUse = iota
	pageRead
	pageWritten
)

// touchProfile learns which pages of one guest's snapshot runs touch.
type touchProfile struct {
	mu      sync.Mutex
	runs    int
	samples []pageTouch // the last touchSamples, oldest first
	// read and written are the pages to prefault, as spans, so a clone
	// makes one system call per span.
	read, written []pageSpan
}

// wantSample reports whether the run now ending should be sampled.
func (p *touchProfile) wantSample() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.runs++
	return p.runs <= touchSamples || p.runs%touchEvery == 0
}

// add records a sample and recomputes the pages to prefault.
func (p *touchProfile) add(t pageTouch) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.samples) == touchSamples {
		p.samples = append(p.samples[:0], p.samples[1:]...)
	}
	p.samples = append(p.samples, t)
	pages := 0
	for _, s := range p.samples {
		pages = max(pages, len(s))
	}
	need := (len(p.samples) + 1) / 2
	hot := make(pageTouch, pages)
	for i := range hot {
		var touched, written int
		for _, s := range p.samples {
			if i < len(s) && s[i] != pageUntouched {
				touched++
				if s[i] == pageWritten {
					written++
				}
			}
		}
		switch {
		case written >= need:
			hot[i] = pageWritten
		case touched >= need:
			hot[i] = pageRead
		}
	}
	p.read, p.written = hot.spans(pageRead), hot.spans(pageWritten)
}

// spans returns the runs of pages whose use is u.
func (t pageTouch) spans(u pageUse) []pageSpan {
	var spans []pageSpan
	for i := 0; i < len(t); i++ {
		if t[i] != u {
			continue
		}
		start := i
		for i < len(t) && t[i] == u {
			i++
		}
		spans = append(spans, pageSpan{start, i - start})
	}
	return spans
}

// prefault has mem's pages that runs are expected to touch copied or
// mapped now. Errors are ignored: a page not prefaulted faults when used.
func (p *touchProfile) prefault(mem []byte) {
	p.mu.Lock()
	read, written := p.read, p.written
	p.mu.Unlock()
	populate(mem, read, false)
	populate(mem, written, true)
}

// learn samples what the run that used mem[:size] touched, when a sample
// is due. It runs after the run, before its instance closes.
func (p *touchProfile) learn(mem []byte) {
	if !p.wantSample() {
		return
	}
	if t, ok := touched(mem); ok {
		p.add(t)
	}
}
