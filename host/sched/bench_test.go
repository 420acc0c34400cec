package sched

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/store"
)

// nopStore keeps nothing, so a benchmark measures the scheduler alone.
type nopStore struct{}

func (nopStore) Jobs(context.Context) (map[string]store.JobState, error) {
	return map[string]store.JobState{}, nil
}
func (nopStore) SaveJob(context.Context, store.JobState) error                   { return nil }
func (nopStore) RecordRun(context.Context, store.JobState, store.Run, int) error { return nil }
func (nopStore) History(context.Context, string, int) ([]store.Run, error)       { return nil, nil }
func (nopStore) Close() error                                                    { return nil }

// peakRunner notes the most goroutines alive while any run runs.
type peakRunner struct{ peak atomic.Int64 }

func (r *peakRunner) Run(context.Context, domain.Job) domain.Outcome {
	n := int64(runtime.NumGoroutine())
	for {
		p := r.peak.Load()
		if n <= p || r.peak.CompareAndSwap(p, n) {
			break
		}
	}
	return domain.Outcome{}
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
		s := New(Options{Clock: fake, Runner: runner, Store: nopStore{}, MaxConcurrent: 64,
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
