package service

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// BenchmarkDueBurstWithSSEClients is BenchmarkDueBurstWithSubscribers with
// 0 and 10 real HTTP clients of GET /v1/events reading every frame: the
// scheduler's cost per run must not move with them.
func BenchmarkDueBurstWithSSEClients(b *testing.B) {
	specs := burstSpecs(10_000)
	for _, n := range []int{0, 10} {
		b.Run(fmt.Sprint(n, " clients"), func(b *testing.B) {
			bus, stopped := NewBus(), make(chan struct{})
			srv := httptest.NewServer(EventStream(bus, stopped))
			defer srv.Close()
			var readers sync.WaitGroup
			defer readers.Wait() // their streams end as stopped closes
			defer close(stopped)
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
			runBursts(b, bus, specs)
		})
	}
}
