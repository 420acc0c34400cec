package sandbox

import (
	"context"
	"sync/atomic"

	"github.com/tetratelabs/wazero"

	"github.com/jobbox/jobbox/host/internal/meter"
)

// guest is a compiled guest module.
type guest struct {
	name   string // "the Lua guest", or the job file
	module wazero.CompiledModule
	// layout says how to snapshot an instance, and pool clones the
	// snapshot; both are nil when a run must start a fresh instance.
	layout *meter.Snapshot
	pool   *pool
	// tableBytes is the most host memory its tables can take, which
	// counts against a run's memory limit (meter.Module.TableBytes).
	tableBytes uint64
	// usesSources is set when the guest imports abi.FuncSources, so its
	// snapshots hold what the engine's source set held when taken.
	usesSources bool
	// init bounds its snapshots (see guestlimits.go).
	init initLimits
	// refs counts the runs using the guest, and the engine's own reference
	// while it is current; the last release closes it (release).
	refs   atomic.Int32
	engine *Engine
}

// startPool starts cloning g's snapshots, when g can be snapshotted.
func (e *Engine) startPool(g *guest, size int) {
	if g.layout != nil && !e.opts.FreshInstances {
		g.pool = newPool(e, g, size)
	}
}

// acquire takes a reference to g unless the last one is gone.
func (g *guest) acquire() bool {
	for {
		n := g.refs.Load()
		if n <= 0 {
			return false
		}
		if g.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// release gives back a reference; the last closes the guest: its pool, its
// clones and its compiled code.
func (g *guest) release() {
	if g.refs.Add(-1) == 0 {
		g.engine.retire(g)
	}
}

// retire closes a guest nothing refers to any more. The pool's filler may
// be taking a snapshot, so the rest happens in the background, and Close
// waits for it.
func (e *Engine) retire(g *guest) {
	if g.pool != nil {
		g.pool.close()
	}
	e.closing.Add(1)
	go func() {
		defer e.closing.Done()
		ctx := context.Background()
		if g.pool != nil {
			g.pool.wait()
			g.pool.drain(ctx)
		}
		_ = g.module.Close(ctx)
		if h := e.opts.onRetire; h != nil {
			h(g.name)
		}
	}()
}
