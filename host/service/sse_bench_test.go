package service

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/jobbox/jobbox/host/api"
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
	specs := burstSpecs(10_000)
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
			runBursts(b, svc.bus, specs)
		})
	}
}
