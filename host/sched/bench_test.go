package sched

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/sched/schedtest"
)

// peakRunner notes the most goroutines alive while any run runs.
type peakRunner struct{ peak atomic.Int64 }

func (r *peakRunner) Run(ctx context.Context, job domain.Job) domain.Outcome {
	n := int64(runtime.NumGoroutine())
	for {
		p := r.peak.Load()
		if n <= p || r.peak.CompareAndSwap(p, n) {
			break
		}
	}
	return schedtest.NopRunner{}.Run(ctx, job)
}

// BenchmarkDueBurst: 10,000 jobs come due at once with 64 slots. It reports
// the time per run and the most goroutines alive meanwhile: with dispatch
// taking the slot before a goroutine exists, a burst is not one parked
// goroutine per due run.
func BenchmarkDueBurst(b *testing.B) {
	const jobs = 10_000
	var peak int64
	for b.Loop() {
		fake := clock.NewFake(t0)
		runner := &peakRunner{}
		var wg sync.WaitGroup
		wg.Add(jobs)
		s := New(Options{Clock: fake, Runner: runner, Store: schedtest.NopStore{}, MaxConcurrent: 64,
			OnReport: func(Report) { wg.Done() }})
		specs := make([]Spec, jobs)
		for i := range specs {
			specs[i] = spec(fmt.Sprint("job-", i), time.Minute)
		}
		if err := s.Start(context.Background(), specs); err != nil {
			b.Fatal(err)
		}
		fake.Advance(time.Minute)
		wg.Wait()
		s.Stop(context.Background())
		peak = max(peak, runner.peak.Load())
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*jobs), "ns/run")
	b.ReportMetric(float64(peak), "goroutines-peak")
}

// BenchmarkSteadyLateness: 1,500 jobs every second on the real clock, their
// first runs spread, for b.N rounds of 1,500 runs that do nothing: it
// reports how late runs start (p50 and p99), the scheduler's own path from
// a due time to the runner. It waits on the runs themselves, not on a
// timer: each round is one report of every job, about a second.
func BenchmarkSteadyLateness(b *testing.B) {
	const jobs = 1500
	var mu sync.Mutex
	var late []time.Duration
	measuring := false
	reported := make(chan struct{}, jobs)
	s := New(Options{Clock: clock.Real{}, Runner: schedtest.NopRunner{}, Store: schedtest.NopStore{}, MaxConcurrent: 64, SpreadFirstRuns: true,
		OnReport: func(r Report) {
			mu.Lock()
			if measuring {
				late = append(late, r.Lateness())
			}
			mu.Unlock()
			select {
			case reported <- struct{}{}:
			default: // nobody counts this run: a round is already complete
			}
		}})
	specs := make([]Spec, jobs)
	for i := range specs {
		specs[i] = spec(fmt.Sprint("job-", i), time.Second)
	}
	if err := s.Start(context.Background(), specs); err != nil {
		b.Fatal(err)
	}
	defer s.Stop(context.Background())
	awaitRound := func() {
		for range jobs {
			<-reported
		}
	}
	awaitRound() // the first runs, spread over the first interval, are a warm-up
	mu.Lock()
	measuring = true
	mu.Unlock()
	start := time.Now()
	for b.Loop() {
		awaitRound()
	}
	elapsed := time.Since(start)
	mu.Lock()
	measuring = false
	got := slices.Sorted(slices.Values(late))
	mu.Unlock()
	if len(got) == 0 {
		b.Fatal("no run")
	}
	b.ReportMetric(float64(got[len(got)/2].Microseconds()), "µs-p50")
	b.ReportMetric(float64(got[len(got)*99/100].Microseconds()), "µs-p99")
	b.ReportMetric(float64(len(got))/elapsed.Seconds(), "runs/s")
}
