package sandbox

import (
	"context"
	"sync"
	"testing"

	"github.com/jobbox/jobbox/abi"
)

// TestPoolHammer runs jobs in clones of a pool from several goroutines
// while another keeps forcing the filler to replace the snapshot and
// clones directly, then closes the pool with runs still arriving. Once
// everything has returned, every snapshot the pool took must have no
// reference left: none leaked (its memory file would stay open) and none
// was released twice (a clone would map a closed file).
// Run it with: go test -race -count=20 -run Hammer ./host/sandbox
func TestPoolHammer(t *testing.T) {
	t.Parallel()
	// An engine of its own: the hammer waits on the engine's closing
	// group, and another test's run adding to that group during the Wait
	// is a misuse of a WaitGroup, which the race detector reports.
	e := newTestEngine(t, Options{})
	ctx := context.Background()
	g := &guest{name: "the Lua guest", module: e.lua.module, layout: e.lua.layout, usesSources: true}
	g.serve(DefaultLimits())
	var mu sync.Mutex
	var images []*image
	p := newPool(e, g, 2)
	p.mu.Lock()
	p.taken = func(im *image) {
		mu.Lock()
		images = append(images, im)
		mu.Unlock()
	}
	p.mu.Unlock()
	g.pool = p

	const runners, runs = 4, 15
	var wg sync.WaitGroup
	closed := make(chan struct{})
	for r := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range runs {
				if r == 0 && i == runs/2 {
					p.close() // runs go on: each clones inline
					close(closed)
				}
				rs := &runState{engine: e, job: &Job{Name: "hammer", File: "hammer.lua", Limits: DefaultLimits()}, source: trivialLua}
				res, err := e.call(ctx, rs, g, abi.RunExport)
				if err != nil || abi.Status(int32(res)) != abi.StatusOK {
					t.Errorf("run %d: status %d, error %v, failure %q", i, int32(res), err, rs.failure)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-closed:
				return
			default:
			}
			p.mu.Lock()
			if p.image != nil {
				p.image.clones = snapshotMaxClones // due for replacement
			}
			p.mu.Unlock()
			p.replace.Store(true)
			p.refill()
			if inst, err := p.clone(ctx, luaSnapshotLimits, replaceNow); err == nil {
				inst.close(ctx)
			}
		}
	}()
	wg.Wait()
	p.wait()
	e.closing.Wait() // recycles and closes after the runs
	p.drain(ctx)
	mu.Lock()
	defer mu.Unlock()
	if len(images) < 2 {
		t.Errorf("the pool took %d snapshots; the hammer wants it to replace them", len(images))
	}
	for i, im := range images {
		if n := im.refs.Load(); n != 0 {
			t.Errorf("snapshot %d of %d has %d references left", i+1, len(images), n)
		}
	}
}
