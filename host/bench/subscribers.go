package bench

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/jobbox/jobbox/host/service"
)

// eventStreams is the event bus of a schedule, served at GET /v1/events by
// the admin API's own handler on a loopback listener, as the dashboard's
// pages read it.
type eventStreams struct {
	bus     *service.Bus
	srv     *http.Server // nil when not served
	url     string
	stopped chan struct{}
	once    sync.Once
}

// serveEvents returns a bus, served when serve is set.
func serveEvents(serve bool) (*eventStreams, error) {
	s := &eventStreams{bus: service.NewBus(), stopped: make(chan struct{})}
	if !serve {
		return s, nil
	}
	srv, base, err := serveLoopback(service.EventStream(s.bus, s.stopped))
	if err != nil {
		return nil, fmt.Errorf("serving the event streams: %w", err)
	}
	s.srv, s.url = srv, base+"/v1/events"
	return s, nil
}

// end ends every stream, so their clients read to the end. It may be
// called again.
func (s *eventStreams) end() {
	s.once.Do(func() { close(s.stopped) })
}

// close ends the streams and stops serving them.
func (s *eventStreams) close() {
	s.end()
	if s.srv != nil {
		_ = s.srv.Close()
	}
}
