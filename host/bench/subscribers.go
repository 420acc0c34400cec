package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/jobbox/jobbox/host/service"
)

// subscribers are event-stream clients of a schedule: a bus the scheduler
// publishes to, served at GET /v1/events by the admin API's own handler on
// a loopback listener, and n HTTP clients reading every frame of it, as
// the dashboard's pages do.
type subscribers struct {
	bus     *service.Bus
	srv     *http.Server
	stopped chan struct{}
	once    sync.Once
	readers sync.WaitGroup
	read    []int // run-end events each client read, filled as they end
}

// subscribe starts the stream and its n clients; with n zero, only the
// bus.
func subscribe(n int) (*subscribers, error) {
	s := &subscribers{bus: service.NewBus(), stopped: make(chan struct{})}
	if n == 0 {
		return s, nil
	}
	srv, base, err := serveLoopback(service.EventStream(s.bus, s.stopped))
	if err != nil {
		return nil, fmt.Errorf("serving the event streams: %w", err)
	}
	s.srv = srv
	url := base + "/v1/events"
	s.read = make([]int, n)
	for i := range n {
		resp, err := http.Get(url)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET /v1/events: %s", resp.Status)
			resp.Body.Close()
		}
		if err != nil {
			s.close()
			return nil, err
		}
		s.readers.Go(func() {
			defer resp.Body.Close()
			for sc := bufio.NewScanner(resp.Body); sc.Scan(); {
				if bytes.Equal(sc.Bytes(), runEnd) {
					s.read[i]++
				}
			}
		})
	}
	return s, nil
}

var runEnd = []byte("event: run-end")

// close ends the streams, waits for their clients to read to the end and
// returns the run-end events each read, sorted. It may be called again.
func (s *subscribers) close() stats {
	s.once.Do(func() {
		close(s.stopped)
		s.readers.Wait()
		if s.srv != nil {
			_ = s.srv.Close()
		}
	})
	read := make(stats, len(s.read))
	for i, n := range s.read {
		read[i] = float64(n)
	}
	slices.Sort(read)
	return read
}
