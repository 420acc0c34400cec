package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// Event is one event of the service's feed as GET /v1/events sends it.
// NewEvent makes it; the service makes each event once, for all its
// streams, which copy its frame as it is.
type Event struct {
	// ID grows by one per event the service publishes: a gap means the
	// subscriber missed events.
	ID    uint64
	frame []byte // its id, event and data lines and the blank line after them
}

// NewEvent returns the event id of a kind (run-start, run-end, job-state or
// service) whose data is one line of JSON.
func NewEvent(id uint64, kind string, data []byte) Event {
	frame := make([]byte, 0, len(frameID)+20+len(frameKind)+len(kind)+len(frameData)+len(data)+2)
	frame = strconv.AppendUint(append(frame, frameID...), id, 10)
	frame = append(append(append(frame, frameKind...), kind...), frameData...)
	return Event{ID: id, frame: append(append(frame, data...), "\n\n"...)}
}

// Frame is the event as a stream writes it: its id, event and data lines
// and the blank line that ends them.
func (e Event) Frame() []byte { return e.frame }

// How a frame's lines begin.
const (
	frameID   = "id: "
	frameKind = "\nevent: "
	frameData = "\ndata: "
)

// Subscription is one feed of events. Next waits for the next event
// until ctx ends; it fails too when the feed ends (the service stops).
// Ready appends to dst up to max of the events already published, without
// waiting: a burst goes out in one write. Since is the ID of the last
// event published before the feed began, so a gap before its first event
// shows too.
type Subscription interface {
	Next(ctx context.Context) (Event, error)
	Ready(dst []Event, max int) []Event
	Since() uint64
	Close()
}

// Heartbeat is how often an idle event stream sends a comment, so
// proxies keep it open and a gone client is noticed; writeWait is how
// long one write may take before a stalled client is dropped.
const (
	Heartbeat = 15 * time.Second
	writeWait = 30 * time.Second
)

// FlushEvery is the period of a busy stream's writes. An event after a
// quiet spell goes out at once; in a busy spell the events wait on the
// bus without waking the stream, and the server's relay writes them all
// at its next turn: at 1,500 runs a second ten streams wake the service
// 10 times a second, not 30,000. Two writes of a stream are at least half
// a period apart. 100 ms rather than 50 halved the writes, and with them
// about half of what ten streams added to start lateness (BENCHMARKS.md,
// Session 10); 250 ms made each write a longer burst, which showed at
// p99. A dashboard re-reads its page on an event for a job it shows, so
// in a busy spell a run's end reaches it within a period (a period and a
// half just after a quiet spell's first write).
const FlushEvery = 100 * time.Millisecond

// events serves the service's events as server-sent events, until the
// client goes or the feed ends. The handler owns the stream: the relay
// writes it only while the handler waits, and never once it has returned,
// so a server's shutdown waits on no stream.
//
// A quiet stream waits on the bus, and writes the first event at once; it
// then joins the relay, whose turns write it while events keep coming, so
// a run's Publish wakes no stream.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	sub := s.opts.Service.Subscribe()
	defer sub.Close()
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	// Not chunked: the stream ends only with its connection, so the
	// connection's end can end the body (net/http then closes it after the
	// reply, as the SSE specification suggests), and each turn's write is
	// one system call, where a chunk's header and trailer each took one.
	// HTTP/2 drops the header and frames the body itself.
	h.Set("Transfer-Encoding", "identity")
	w.WriteHeader(http.StatusOK)
	if rc.Flush() != nil {
		return
	}
	st := &stream{sub: sub, f: frames{last: sub.Since()}, w: w, rc: rc, left: make(chan struct{}, 1)}
	defer st.end()
	for {
		event, ok := st.quiet(r.Context(), s.heartbeat())
		if !ok {
			return
		}
		if !event {
			continue // a heartbeat
		}
		s.relay.join(st)
		select {
		case <-st.left:
			if st.failed() {
				return
			}
		case <-r.Context().Done():
			s.relay.leave(st)
			return
		}
	}
}

// frames is the text of a stream's next write.
type frames struct {
	buf   []byte
	batch []Event
	last  uint64 // the ID of the last event written
}

// await waits for the feed's next event, or for heartbeat to pass
// without one, and adds it. False when the client went or the feed ended.
func (f *frames) await(ctx context.Context, sub Subscription, heartbeat time.Duration) bool {
	wait, cancel := context.WithTimeout(ctx, heartbeat)
	ev, err := sub.Next(wait)
	cancel()
	switch {
	case err == nil:
		f.add(ev)
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		f.buf = append(f.buf, ": heartbeat\n\n"...)
	default:
		return false
	}
	return true
}

// ready adds the events already published, and says how many there were.
func (f *frames) ready(sub Subscription) int {
	f.batch = sub.Ready(f.batch[:0], maxBatch)
	for _, ev := range f.batch {
		f.add(ev)
	}
	return len(f.batch)
}

// add adds ev's frame, announcing first the events missed before it.
func (f *frames) add(ev Event) {
	if ev.ID > f.last+1 {
		f.buf = append(f.buf, "event: lagged\ndata: {\"missed\":"...)
		f.buf = append(strconv.AppendUint(f.buf, ev.ID-f.last-1, 10), "}\n\n"...)
	}
	f.last = ev.ID
	f.buf = append(f.buf, ev.frame...)
}

// maxBatch bounds the events sent in one write, so a stream that never
// runs dry still flushes.
const maxBatch = 4096

func (s *Server) heartbeat() time.Duration {
	if s.opts.Heartbeat > 0 {
		return s.opts.Heartbeat
	}
	return Heartbeat
}
