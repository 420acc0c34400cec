package service

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/sched"
)

// busOnly is an api.Service whose only working method is Subscribe: the
// benchmark serves nothing else.
type busOnly struct {
	api.Service
	bus     *Bus
	stopped chan struct{}
}

func (b busOnly) Subscribe() api.Subscription {
	return newAPISubscription(b.bus, b.stopped)
}

// BenchmarkDueBurstWithSSEClients is BenchmarkDueBurstWithSubscribers with
// 0 and 10 real HTTP clients of GET /v1/events reading every frame: the
// scheduler's cost per run must not move with them.
func BenchmarkDueBurstWithSSEClients(b *testing.B) {
	const jobs = 10_000
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	specs := make([]sched.Spec, jobs)
	for i := range specs {
		specs[i] = sched.Spec{Job: domain.Job{Name: fmt.Sprint("job-", i)}, Interval: time.Minute, Active: true}
	}
	for _, n := range []int{0, 10} {
		b.Run(fmt.Sprint(n, " clients"), func(b *testing.B) {
			svc := busOnly{bus: NewBus(), stopped: make(chan struct{})}
			srv := httptest.NewServer(api.New(api.Options{Service: svc}).LocalHandler())
			defer srv.Close()
			defer close(svc.stopped)
			var readers sync.WaitGroup
			for range n {
				resp, err := http.Get(srv.URL + "/v1/events")
				if err != nil {
					b.Fatal(err)
				}
				readers.Go(func() {
					defer resp.Body.Close()
					for s := bufio.NewScanner(resp.Body); s.Scan(); {
					}
				})
			}
			cpu := processCPU()
			for b.Loop() {
				fake := clock.NewFake(t0)
				var wg sync.WaitGroup
				wg.Add(jobs)
				s := sched.New(sched.Options{Clock: fake, Runner: nopRunner{}, Store: nopStore{}, MaxConcurrent: 64,
					OnStart: svc.bus.RunStarted, OnReport: func(r sched.Report) { svc.bus.RunEnded(r); wg.Done() }})
				if err := s.Start(context.Background(), specs); err != nil {
					b.Fatal(err)
				}
				fake.Advance(time.Minute)
				wg.Wait()
				s.Stop(context.Background())
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*jobs), "ns/run")
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N*jobs), "cpu-ns/run")
		})
	}
}
