package sandbox

import (
	"sync"
	"time"
)

// A snapshot initialises a guest once for many runs, so no single run's
// limits govern it. It runs under the tightest limits of the jobs the
// guest serves: a guest that spins in _initialize or jobbox_prepare is
// stopped at its own job's time limit, not at a default, and a .wasm that
// several jobs name is bound by the strictest of them.

// luaSnapshotLimits bound a snapshot of the Lua guest, the engine's own
// interpreter, that compiles the job files it is offered (sourcesBudget
// bytes at most), which attackers may write. Legitimate files take well
// under them: 200 KB of job files compiled in 185 ms on a loaded 2-core
// machine and grew the snapshot from 5.25 to 6.25 MiB. The memory bound
// keeps the snapshot small enough for most jobs' limits; a job whose
// limit is below it runs in a fresh instance instead (instanceFor).
var luaSnapshotLimits = Limits{Timeout: time.Second, MemoryBytes: 16 << 20}

// initLimits are the limits a guest's snapshots are taken under.
type initLimits struct {
	mu     sync.Mutex
	set    bool
	limits Limits
}

// serve tightens the limits g's snapshots are taken under to those of a
// job it serves. The first call lets the pool's filler start: until then
// it knows no limits to take a snapshot under.
func (g *guest) serve(l Limits) {
	l = withDefaults(l)
	g.init.mu.Lock()
	first := !g.init.set
	if first {
		g.init.limits, g.init.set = l, true
	} else {
		g.init.limits = tightest(g.init.limits, l)
	}
	g.init.mu.Unlock()
	if first && g.pool != nil {
		g.pool.refill()
	}
}

// snapshotLimits returns the limits g's snapshots are taken under, and
// whether any job has set them yet.
func (g *guest) snapshotLimits() (Limits, bool) {
	g.init.mu.Lock()
	defer g.init.mu.Unlock()
	return g.init.limits, g.init.set
}

// tightest is the smaller of a's and b's value of each limit.
func tightest(a, b Limits) Limits {
	return Limits{
		Timeout:     min(a.Timeout, b.Timeout),
		MemoryBytes: min(a.MemoryBytes, b.MemoryBytes),
		LogLines:    min(a.LogLines, b.LogLines),
		LogBytes:    min(a.LogBytes, b.LogBytes),
		HostCalls:   min(a.HostCalls, b.HostCalls),
		CallBytes:   min(a.CallBytes, b.CallBytes),
		RunBytes:    min(a.RunBytes, b.RunBytes),
		StackDepth:  min(a.StackDepth, b.StackDepth),
	}
}

// The pool's filler backs off from a guest whose snapshots fail: it waits
// fillRetryBase, doubling per failure, and stops after maxFillFailures
// until a run's own snapshot succeeds. Runs still try at once, under their
// own limits, so each failure is reported to (and ends) its job.
const (
	fillRetryBase   = time.Second
	maxFillFailures = 5
)

// noteSnapshot records whether taking a snapshot succeeded. The caller
// holds p.mu.
func (p *pool) noteSnapshot(err error) {
	if err == nil {
		p.failures = 0
		return
	}
	p.failures++
	p.nextTry = time.Now().Add(fillRetryBase << min(p.failures-1, 6))
}

// backingOff reports whether the filler should leave the snapshot to runs
// for now.
func (p *pool) backingOff() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failures >= maxFillFailures || time.Now().Before(p.nextTry)
}
