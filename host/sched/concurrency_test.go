package sched

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/domain"
)

// TestOnReportMayCallTheScheduler: reports come without the scheduler's or
// the job's locks held, so a report handler may deactivate the job.
func TestOnReportMayCallTheScheduler(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.onReport = func(r Report) {
		if err := h.sched.SetActive(context.Background(), r.Job, false); err != nil {
			t.Error(err)
		}
		h.sched.Jobs()
	}
	h.start(spec("a", time.Minute))
	h.advance(time.Minute, "a")
	h.expect("a", Deactivated, never)
	h.advance(time.Hour)
}

// TestHammerNeverOverlapsAJob: while the clock moves, reloads, activations
// and deactivations race with runs; no job ever runs twice at once, and
// every run started ends reported. Run it with -race.
func TestHammerNeverOverlapsAJob(t *testing.T) {
	t.Parallel()
	const jobs = 8
	h := newHarness(t)
	h.opts.MaxConcurrent, h.opts.MaxInFlight = 2, 3
	var running [jobs]atomic.Int32
	var specs []Spec
	for i := range jobs {
		name := fmt.Sprint("j", i)
		h.runner.set(name, func(ctx context.Context) (abi.Status, string) {
			if running[i].Add(1) != 1 {
				t.Errorf("%s runs twice at once", name)
			}
			defer running[i].Add(-1)
			if i%2 == 0 { // half of them sleep, giving their slot up
				if !domain.OffSlot(ctx, runtime.Gosched) {
					return abi.StatusError, "no slot"
				}
			}
			return abi.StatusOK, ""
		})
		specs = append(specs, spec(name, time.Duration(i+1)*time.Second))
	}
	h.reports = make(chan Report, 100_000)
	h.start(specs...)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := 0; ; k++ {
			select {
			case <-stop:
				return
			default:
			}
			name := fmt.Sprint("j", k%jobs)
			_ = h.sched.SetActive(context.Background(), name, k%3 != 0)
			if k%5 == 0 {
				h.sched.Reload(specs[:jobs-k%2])
			}
			h.sched.Jobs()
		}
	}()
	for range 300 {
		h.clock.Advance(500 * time.Millisecond)
		runtime.Gosched()
	}
	close(stop)
	wg.Wait()
	h.settle()
	if len(h.reports) == 0 {
		t.Fatal("nothing ran")
	}
}
