package sandbox

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Pool sizes: clones kept ready per guest. The Lua guest serves every Lua
// job; a compiled guest serves the jobs that name its file.
const (
	luaPoolSize  = 8
	wasmPoolSize = 4
)

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
