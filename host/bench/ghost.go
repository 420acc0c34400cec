package bench

import (
	"bytes"
	"net/http"
	"sync"
	"time"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/service"
)

// ghostStreams are event streams of the service's size and rhythm that the
// watcher process serves itself (Options.Ghost): every api.FlushEvery one
// turn writes each stream, one after another, the frames of the runs that
// a schedule of rate runs a second started and ended since the last turn,
// as the service's relay does. Their clients then cost the machine what
// the real ones do (the reads, the loopback's work, the wake-ups) while
// the service serves nothing, so the difference between watching the
// service and watching the ghosts is what serving the streams costs the
// service itself.
func ghostStreams(rate float64) (url string, stop func(), err error) {
	g := &ghosts{run: ghostRun(), rate: rate, streams: map[*ghost]bool{}, done: make(chan struct{})}
	srv, base, err := serveLoopback(http.HandlerFunc(g.serve))
	if err != nil {
		return "", nil, err
	}
	turns := make(chan struct{})
	go func() {
		defer close(turns)
		g.turns()
	}()
	return base + "/v1/events", func() {
		close(g.done)
		_ = srv.Close()
		<-turns
	}, nil
}

// ghosts are the streams one ghostStreams serves.
type ghosts struct {
	run  []byte // one run's frames
	rate float64
	done chan struct{} // closed when they stop

	mu      sync.Mutex
	streams map[*ghost]bool
}

// ghost is one stream; its mutex is held while a turn writes it.
type ghost struct {
	mu    sync.Mutex
	w     http.ResponseWriter
	rc    *http.ResponseController
	ended bool // its handler has returned
}

// serve holds one stream open until its client goes or the ghosts stop.
func (g *ghosts) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Transfer-Encoding", "identity")
	w.WriteHeader(http.StatusOK)
	st := &ghost{w: w, rc: http.NewResponseController(w)}
	if st.rc.Flush() != nil {
		return
	}
	g.mu.Lock()
	g.streams[st] = true
	g.mu.Unlock()
	select {
	case <-r.Context().Done():
	case <-g.done:
	}
	g.mu.Lock()
	delete(g.streams, st)
	g.mu.Unlock()
	st.mu.Lock() // a turn may be writing it
	st.ended = true
	st.mu.Unlock()
}

// turns writes every stream once a period until the ghosts stop.
func (g *ghosts) turns() {
	var buf []byte
	var streams []*ghost
	owed, last := 0.0, time.Now()
	for next := last; ; {
		next = next.Add(api.FlushEvery)
		if !sleepUntil(next, g.done) {
			return
		}
		now := time.Now()
		owed += g.rate * now.Sub(last).Seconds()
		last = now
		buf = buf[:0]
		for ; owed >= 1; owed-- {
			buf = append(buf, g.run...)
		}
		g.mu.Lock()
		streams = streams[:0]
		for st := range g.streams {
			streams = append(streams, st)
		}
		g.mu.Unlock()
		for _, st := range streams {
			st.write(buf)
		}
	}
}

// write writes b unless the stream's handler has returned; a client gone
// meanwhile makes it fail, and its handler ends the stream.
func (st *ghost) write(b []byte) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.ended {
		_, _ = st.w.Write(b)
		_ = st.rc.Flush()
	}
}

// ghostRun is the frames of one run as a stream sends them: its start and
// its end, with fields the size of the scheduler case's.
func ghostRun() []byte {
	due := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	start := service.Event{Seq: 1_000_001, Time: due.Add(150 * time.Microsecond), Kind: service.EventRunStart,
		Job: "job-000123", Trigger: "schedule", Due: due}
	end := service.Event{Seq: 1_000_002, Time: due.Add(320 * time.Microsecond), Kind: service.EventRunEnd,
		Job: "job-000123", Trigger: "schedule", Due: due, Status: "OK", Duration: 170 * time.Microsecond,
		Lateness: 150 * time.Microsecond, State: "waiting", Next: due.Add(time.Second)}
	var b bytes.Buffer
	for _, e := range []service.Event{start, end} {
		b.Write(api.NewEvent(e.Seq, string(e.Kind), e.JSON()).Frame())
	}
	return b.Bytes()
}
