package sandbox

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/jobbox/jobbox/abi"
)

// TestInstancesCounted: a run's instance counts as live while it runs,
// pooled clones count as both, and once the engine closes none is left:
// every instance opened is closed, once.
func TestInstancesCounted(t *testing.T) {
	t.Parallel()
	var e *Engine
	var during atomic.Int64
	e, err := New(context.Background(), Options{
		Now:      testEngine(t).opts.Now,
		CacheDir: testCacheDir(),
		hostOverrides: map[string]hostImpl{
			abi.FuncLog: func(ctx context.Context, rs *runState, in []byte) ([]byte, abi.Code) {
				live, pooled := e.Instances()
				during.Store(int64(live - pooled))
				return hostLog(ctx, rs, in)
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	job := writeJob(t, "log.lua", "local job = core.job()\nfunction job.run() core.log('x') return job.OK end\nreturn job\n")
	for range 3 {
		if out := e.Run(context.Background(), job); out.Status != abi.StatusOK {
			t.Fatalf("%v %q", out.Status, out.Error)
		}
		if n := during.Load(); n < 1 {
			t.Fatalf("during a run, %d live instances outside the pools; want the run's own at least", n)
		}
	}
	if live, pooled := e.Instances(); pooled > live {
		t.Fatalf("%d pooled instances but %d live", pooled, live)
	}
	if err := e.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if live, pooled := e.Instances(); live != 0 || pooled != 0 {
		t.Fatalf("after Close: %d live, %d pooled instances; want none", live, pooled)
	}
}
