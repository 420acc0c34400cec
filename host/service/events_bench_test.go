package service

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/sched/schedtest"
)

// BenchmarkDueBurstWithSubscribers: 10,000 jobs come due at once and run
// a no-op, each start and end published on the bus, with 0 and 10
// subscribers that write every event's JSON, as an SSE writer would: the
// scheduler's cost per run, the figure the subscribers must leave unchanged.
func BenchmarkDueBurstWithSubscribers(b *testing.B) {
	specs := burstSpecs(10_000)
	for _, n := range []int{0, 10} {
		b.Run(fmt.Sprint(n, " subscribers"), func(b *testing.B) {
			bus := NewBus()
			var readers sync.WaitGroup
			defer readers.Wait() // after the deferred Closes end their loops
			for range n {
				sub := bus.Subscribe()
				defer sub.Close()
				readers.Go(func() {
					drain(context.Background(), sub, func(e Event) { _, _ = io.Discard.Write(e.JSON()) })
				})
			}
			runBursts(b, bus, specs)
		})
	}
}

// burstSpecs returns n active jobs due every minute.
func burstSpecs(n int) []sched.Spec {
	specs := make([]sched.Spec, n)
	for i := range specs {
		specs[i] = sched.Spec{Job: domain.Job{Name: fmt.Sprint("job-", i)}, Interval: time.Minute, Active: true}
	}
	return specs
}

// runBursts runs specs, all due at once, on a no-op runner once per
// benchmark loop, publishing each start and end on bus, and reports the
// scheduler's cost per run.
func runBursts(b *testing.B, bus *Bus, specs []sched.Spec) {
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	cpu := processCPU()
	for b.Loop() {
		fake := clock.NewFake(t0)
		var wg sync.WaitGroup
		wg.Add(len(specs))
		s := sched.New(sched.Options{Clock: fake, Runner: schedtest.NopRunner{}, Store: schedtest.NopStore{}, MaxConcurrent: 64,
			OnStart: bus.RunStarted, OnReport: func(r sched.Report) { bus.RunEnded(r); wg.Done() }})
		if err := s.Start(context.Background(), specs); err != nil {
			b.Fatal(err)
		}
		fake.Advance(time.Minute)
		wg.Wait()
		s.Stop(context.Background())
	}
	runs := float64(b.N * len(specs))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/runs, "ns/run")
	// CPU time, unlike wall time, hardly moves with other processes' load
	// on the machine.
	b.ReportMetric(float64(processCPU()-cpu)/runs, "cpu-ns/run")
}
