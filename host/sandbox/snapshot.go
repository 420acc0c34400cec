package sandbox

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jobbox/jobbox/host/internal/pagemem"
)

// A run does not start a guest from scratch: Go's runtime initialisation
// and, for Lua, building the interpreter state cost milliseconds that every
// run would repeat to reach the same state. The engine does that work once,
// snapshots the instance (its linear memory and mutable globals are its
// whole state; package meter checks the guest keeps none elsewhere and
// exports the globals), and starts each run in a clone of the snapshot: a
// new instance, instantiated with no start function, whose memory maps the
// snapshot copy-on-write and whose globals are set from it. A pool makes
// clones ahead of need, so a run only takes one. After a run the clone is
// reset to the snapshot (recycle): the pages the run wrote are put back
// and the globals set again, or, where that cannot be done, the clone is
// closed. A run sees exactly the state a fresh instance would have, never
// anything an earlier run left. RATIONALE.md has the measurements behind
// this design and the argument for the reset.

// A snapshot is replaced after this many clones and resets, or this long,
// whichever comes first, so clones do not share the Go runtime's random
// seeds (map order, the top-level math/rand functions) for ever.
const (
	snapshotMaxClones = 1000
	snapshotMaxAge    = time.Minute
	// snapshotRetryDelay holds off replacing a snapshot after taking one
	// failed, so a guest that fails now and then costs one try per delay.
	snapshotRetryDelay = 10 * time.Second
)

var errImageTooLarge = errors.New("the snapshot is larger than the memory reserved for it")

// image is a snapshot of an initialised instance.
type image struct {
	size    uint64   // bytes of linear memory
	globals []uint64 // the mutable globals, in the order of meter.Snapshot.Globals
	file    pagemem.Image
	made    time.Time
	clones  int    // clones made from it; guarded by the pool's mutex
	sources uint64 // the version of the engine's source set it holds
	// refs counts the pool's reference, one per clone that maps it and
	// one per caller of pool.current, so the file is closed only once
	// nothing maps it or may still.
	refs atomic.Int32
}

func (im *image) mapInto(b []byte) error { return im.file.MapInto(b, im.size) }

func (im *image) release() {
	if im.refs.Add(-1) == 0 {
		im.file.Close()
	}
}

// freshness says what pool.current does with a snapshot due for
// replacement.
type freshness int

const (
	anySnapshot  freshness = iota // clone it
	replaceLater                  // clone it, and have the filler replace it
	replaceNow                    // replace it first
)

// current returns the snapshot to clone, with a reference the caller
// releases. When there is none yet, it takes one. Taking a snapshot
// costs a fresh instance, several milliseconds, so only the filler waits
// for a replacement: a run's reset must not.
func (p *pool) current(ctx context.Context, limits Limits, fresh freshness) (*image, error) {
	p.mu.Lock()
	im := p.image
	if im != nil && fresh != anySnapshot && p.due(im) {
		if fresh == replaceLater {
			if !p.replace.Swap(true) {
				p.refill()
			}
		} else {
			im = nil
		}
	}
	if im == nil {
		p.mu.Unlock()
		return p.replaceSnapshot(ctx, limits, fresh)
	}
	p.acquire(im)
	p.mu.Unlock()
	return im, nil
}

// fits reports whether the current snapshot, if any, fits in limit bytes
// of memory.
func (p *pool) fits(limit uint64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.image == nil || p.image.size <= limit
}

// acquire counts a clone or reset of im and takes a reference to it for
// the caller. The caller holds p.mu.
func (p *pool) acquire(im *image) {
	im.clones++
	im.refs.Add(1)
}

// due reports whether im should be replaced. The caller holds p.mu.
func (p *pool) due(im *image) bool {
	age := time.Since(im.made)
	return time.Now().After(p.retryAt) &&
		(im.clones >= snapshotMaxClones || age >= snapshotMaxAge || p.lacksSources(im, age))
}

// replaceSnapshot takes a snapshot and makes it current, unless another
// caller did while this one waited: a burst of runs finding none takes one.
func (p *pool) replaceSnapshot(ctx context.Context, limits Limits, fresh freshness) (*image, error) {
	p.building.Lock()
	defer p.building.Unlock()
	p.mu.Lock()
	if im := p.image; im != nil && (fresh != replaceNow || !p.due(im)) {
		p.acquire(im)
		p.mu.Unlock()
		return im, nil
	}
	p.mu.Unlock()
	taken, err := p.engine.snapshot(ctx, p.guest, limits)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.noteSnapshot(err)
	if err == nil && p.taken != nil {
		p.taken(taken)
	}
	if err != nil {
		if p.image != nil {
			// Runs carry on with the snapshot there is.
			p.retryAt = time.Now().Add(snapshotRetryDelay)
		}
		return nil, err
	}
	if p.closed() {
		// The pool closed meanwhile and released its snapshot: the
		// caller gets this one's only reference.
		return taken, nil
	}
	if p.image != nil {
		p.image.release()
	}
	p.image = taken
	p.acquire(taken)
	return taken, nil
}

// lacksSources reports whether im, age old, should be replaced by a
// snapshot holding the job files the engine knows now: when those changed
// at least snapshotSourcesAge ago, or at once when im holds none (the
// engine just started, and its first snapshot was taken before any job was
// known).
func (p *pool) lacksSources(im *image, age time.Duration) bool {
	if !p.guest.usesSources {
		return false
	}
	now := p.engine.sources.version()
	return now != im.sources && (im.sources == 0 || age >= snapshotSourcesAge)
}

// snapshot initialises a fresh instance of g and captures its state. A
// snapshot of the Lua guest is offered the job files the engine knows, to
// compile; when that fails (a file whose compile is too slow or too large
// for the snapshot's limits), it is taken again without them, so one job
// file cannot break the snapshot every Lua job shares.
func (e *Engine) snapshot(ctx context.Context, g *guest, limits Limits) (*image, error) {
	sources := e.sources.version() // before the guest reads them
	offer := g == e.lua && e.badSources.allows(sources)
	first := limits
	if offer {
		// The job files, which attackers may write, get the tight limits;
		// the Lua guest itself, the engine's own, gets the caller's.
		first = tightest(withDefaults(limits), withDefaults(luaSnapshotLimits))
	}
	im, err := e.snapshotOnce(ctx, g, first, offer)
	if err != nil && offer && ctx.Err() == nil {
		if first.Timeout >= luaSnapshotLimits.Timeout {
			// The files failed under the full limits, not a run's tighter ones.
			e.badSources.failed(sources)
		}
		e.logLine(g.name, fmt.Sprintf("a snapshot holding the Lua job files compiled failed, so Lua jobs compile at each run until one is edited or added: %v", err))
		im, err = e.snapshotOnce(ctx, g, limits, false)
	}
	if err != nil {
		return nil, err
	}
	if offer {
		e.badSources.succeeded()
	}
	// Even a snapshot taken without the files records their version: it
	// is not retaken for them until they change.
	im.sources = sources
	return im, nil
}

// snapshotOnce initialises a fresh instance of g under limits and captures
// its state; offerSources offers it the engine's Lua job files.
func (e *Engine) snapshotOnce(ctx context.Context, g *guest, limits Limits, offerSources bool) (*image, error) {
	limits = withDefaults(limits)
	rs := &runState{engine: e, job: &Job{Name: g.name, File: g.name, Limits: limits}, offerSources: offerSources, stage: stageInitializing}
	rs.deadline = time.Now().Add(limits.Timeout)
	ctx, cancel := context.WithDeadline(ctx, rs.deadline)
	defer cancel()
	ctx = context.WithValue(ctx, runKey{}, rs)
	inst, err := e.newInstance(ctx, g, nil, limits.MemoryBytes-min(g.tableBytes, limits.MemoryBytes))
	if err != nil {
		return nil, fmt.Errorf("initialising %s: %w", g.name, rs.explain(err, inst))
	}
	defer inst.close(context.WithoutCancel(ctx))
	rs.output = inst.output
	if err := e.initialize(ctx, rs, inst); err != nil {
		return nil, fmt.Errorf("initialising %s: %w", g.name, err)
	}
	im := &image{size: uint64(inst.mod.Memory().Size()), made: time.Now()}
	for _, name := range g.layout.Globals {
		im.globals = append(im.globals, inst.mod.ExportedGlobal(name).Get())
	}
	mem, _ := inst.mod.Memory().Read(0, uint32(im.size))
	if im.file, err = pagemem.NewImage(mem); err != nil {
		return nil, err
	}
	im.refs.Store(1)
	return im, nil
}
