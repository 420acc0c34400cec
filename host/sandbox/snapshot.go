package sandbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero/api"
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

// Pool sizes: clones kept ready per guest. The Lua guest serves every Lua
// job; a compiled guest serves the jobs that name its file.
const (
	luaPoolSize  = 8
	wasmPoolSize = 4
)

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
	file    imageFile
	made    time.Time
	clones  int    // clones made from it; guarded by the pool's mutex
	sources uint64 // the version of the engine's source set it holds
	// refs counts the pool's reference, one per clone that maps it and
	// one per caller of pool.current, so the file is closed only once
	// nothing maps it or may still.
	refs atomic.Int32
}

func (im *image) mapInto(b []byte) error { return im.file.mapInto(b, im.size) }

func (im *image) release() {
	if im.refs.Add(-1) == 0 {
		im.file.close()
	}
}

// instance is one instantiated guest. A fresh one serves one run; a clone
// serves run after run, reset between them (pool.recycle).
type instance struct {
	mod    api.Module
	mem    *linearMemory
	output *cappedBuffer // what the guest writes to stdout and stderr
	// For a clone: its pool, its snapshot (a reference to it), and the
	// profile that learns from its run, when it was picked to.
	pool  *pool
	image *image
	touch *touchProfile
	scan  pageScan // reused by each reset's copy-back
	// fns caches the exported functions called in the instance: wazero
	// gives each api.Function a call stack of its own.
	fns map[string]api.Function
}

// exported returns the exported function name, or nil when there is none.
func (i *instance) exported(name string) api.Function {
	if f, ok := i.fns[name]; ok {
		return f
	}
	f := i.mod.ExportedFunction(name)
	if i.fns == nil {
		i.fns = map[string]api.Function{}
	}
	i.fns[name] = f
	return f
}

func (i *instance) close(ctx context.Context) {
	_ = i.mod.Close(ctx)
	if i.image != nil {
		i.image.release()
		i.image = nil
	}
}

// learn lets the profile of the instance's guest learn from the run that
// has just ended in it, when it was picked to.
func (i *instance) learn() {
	if i.touch != nil {
		i.touch.learn(i.mem.backing[:i.image.size], &i.scan)
	}
}

// pool keeps clones of one guest's snapshot ready.
type pool struct {
	engine *Engine
	guest  *guest
	size   int // clones the filler keeps ready
	ready  chan *instance
	wake   chan struct{} // the pool ran dry or lost a clone: make more
	done   chan struct{} // closed by close
	filled chan struct{} // closed when fill returns
	stop   sync.Once

	touch touchProfile

	// resetting counts clones being reset after their runs (recycle),
	// which the filler counts as ready: they are, a moment later.
	resetting atomic.Int32
	// replace asks the filler to take a new snapshot; see current.
	replace atomic.Bool

	mu    sync.Mutex
	image *image
	// retryAt holds off replacing a snapshot after a replacement failed.
	retryAt time.Time
	// failures counts snapshots failed in a row, and nextTry is when the
	// filler may try again (see backingOff).
	failures int
	nextTry  time.Time
	// building serialises snapshots, so a burst of runs finding none
	// builds one, not one each.
	building sync.Mutex
	// taken, when set, sees each snapshot the pool takes (for tests).
	taken func(*image)
}

// newPool starts keeping size clones of g ready. Up to twice as many are
// kept when runs give them back, so a burst of runs does not leave clones
// made for it to be thrown away when it ends.
func newPool(e *Engine, g *guest, size int) *pool {
	p := &pool{
		engine: e, guest: g, size: size,
		ready:  make(chan *instance, 2*size),
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
		filled: make(chan struct{}),
	}
	go p.fill()
	return p
}

// fill keeps the pool full until it closes, once a job has said what
// limits its snapshots are taken under (guest.serve). A failure to clone (a
// guest whose initialisation fails) stops filling until the next take,
// whose inline clone reports the failure to its run, and the filler backs
// off from a guest that keeps failing (see backingOff).
func (p *pool) fill() {
	defer close(p.filled)
	// Closing the pool ends a snapshot being taken, rather than waiting
	// out the guest's time limit.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-p.done
		cancel()
	}()
	for {
		limits, ok := p.guest.snapshotLimits()
		ok = ok && !p.backingOff()
		if ok && p.replace.Swap(false) {
			if im, err := p.current(ctx, limits, replaceNow); err == nil {
				im.release()
			}
		}
		for ok && len(p.ready)+int(p.resetting.Load()) < p.size {
			inst, err := p.clone(ctx, limits, replaceNow)
			if err != nil {
				break
			}
			if !p.offer(ctx, inst) {
				break // closing, or runs gave back clones meanwhile
			}
		}
		select {
		case <-p.wake:
		case <-p.done:
			p.drain(ctx)
			p.mu.Lock()
			if p.image != nil {
				p.image.release()
				p.image = nil
			}
			p.mu.Unlock()
			return
		}
	}
}

// take returns a clone for a run of a job with limits: a ready one, or
// one made now when the pool is empty. Runs give their clones back
// (recycle), so the filler is woken only when the pool runs low: a burst
// of runs, or runs that hold their clones long.
func (p *pool) take(ctx context.Context, limits Limits) (*instance, error) {
	select {
	case inst := <-p.ready:
		if len(p.ready) == 0 {
			p.refill()
		}
		return inst, nil
	default:
		p.refill()
		return p.clone(ctx, limits, anySnapshot)
	}
}

// refill wakes the filler.
func (p *pool) refill() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// offer puts inst in the pool, or closes it when the pool is full or
// closed, and reports which.
func (p *pool) offer(ctx context.Context, inst *instance) bool {
	if p.closed() {
		inst.close(ctx)
		return false
	}
	select {
	case p.ready <- inst:
		if p.closed() {
			// Closed since the check above: a retiring guest's drain may
			// have run already, so drain what was just added.
			p.drain(ctx)
			return false
		}
		return true
	default:
		inst.close(ctx)
		return false
	}
}

// recycle readies a clone whose run has ended for another run, as if it
// were new (see reset). This skips instantiation, most of a clone's cost;
// RATIONALE.md says why it is as isolated. A clone that cannot be reset is
// closed, and the filler replaces it.
func (p *pool) recycle(ctx context.Context, inst *instance) {
	defer p.resetting.Add(-1)
	inst.learn()
	if p.closed() {
		inst.close(ctx)
		return
	}
	if err := p.reset(ctx, inst); err != nil {
		inst.close(ctx)
		p.refill()
		return
	}
	p.offer(ctx, inst)
}

// reset returns a used clone to the state of the current snapshot. When
// that is the snapshot the clone already maps, it copies back just the
// pages the clone holds copies of, which stay its own, so its next run
// does not fault on them; otherwise it maps the snapshot afresh.
func (p *pool) reset(ctx context.Context, inst *instance) error {
	limits, _ := p.guest.snapshotLimits()
	im, err := p.current(ctx, limits, replaceLater)
	if err != nil {
		return err
	}
	defer im.release()
	if size := uint64(inst.mod.Memory().Size()); size > im.size {
		return errors.New("the run grew the memory past the snapshot's size, and memory cannot shrink")
	}
	inst.mem.limit = cloneMemoryLimit
	inst.mem.exceeded.Store(false)
	inst.output.reset()
	sample := p.touch.wantSample()
	copied := !sample && im == inst.image && copyBack(inst.mem.backing[:im.size], im.file.view, &inst.scan)
	var mapErr error
	if !copied {
		mapErr = im.mapInto(inst.mem.backing)
	}
	if err := p.engine.restore(inst, p.guest, im, mapErr); err != nil {
		return err
	}
	if copied {
		// The pages the clone wrote are still its own: nothing to
		// prefault, and its next run is not sampled.
		inst.touch = nil
		return nil
	}
	p.prime(inst, im, sample)
	return nil
}

// copyBack copies from snapshot every page of mem that differs from it
// and reports whether it could tell which those are.
func copyBack(mem, snapshot []byte, scan *pageScan) bool {
	written, ok := writtenPages(mem, scan)
	if !ok {
		return false
	}
	scan.spans = written.appendSpans(scan.spans[:0])
	for _, s := range scan.spans {
		lo, hi := s.first*pageSize, (s.first+s.count)*pageSize
		copy(mem[lo:hi], snapshot[lo:hi])
	}
	return true
}

// drain closes the ready clones.
func (p *pool) drain(ctx context.Context) {
	for {
		select {
		case inst := <-p.ready:
			inst.close(ctx)
		default:
			return
		}
	}
}

// closed reports whether close was called.
func (p *pool) closed() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// close stops filling and closes the ready clones. Runs holding a clone
// keep it until they end.
func (p *pool) close() { p.stop.Do(func() { close(p.done) }) }

// wait returns once fill has returned.
func (p *pool) wait() { <-p.filled }

// clone makes an instance from the current snapshot (see current). limits
// apply to the initialisation of a snapshot taken now.
func (p *pool) clone(ctx context.Context, limits Limits, fresh freshness) (*instance, error) {
	im, err := p.current(ctx, limits, fresh)
	if err != nil {
		return nil, err
	}
	defer im.release()
	inst, err := p.engine.newInstance(ctx, p.guest, im, cloneMemoryLimit)
	if err != nil {
		return nil, err
	}
	p.prime(inst, im, p.touch.wantSample())
	return inst, nil
}

// prime readies a clone whose memory just mapped im for a run: it either
// prefaults the pages runs write, or, to sample, leaves them to fault for
// the profile to learn from its run (a prefaulted clone shows every page
// it was given as written).
func (p *pool) prime(inst *instance, im *image, sample bool) {
	if inst.image != im {
		im.refs.Add(1)
		if inst.image != nil {
			inst.image.release()
		}
		inst.image = im
	}
	inst.pool, inst.touch = p, nil
	if sample {
		inst.touch = &p.touch
	} else {
		p.touch.prefault(inst.mem.backing[:im.size])
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
	if im.file, err = newImageFile(mem); err != nil {
		return nil, err
	}
	im.refs.Store(1)
	return im, nil
}
