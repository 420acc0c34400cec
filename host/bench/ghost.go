package bench

import (
	"bytes"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/service"
)

// ghostStreams are event streams of the service's size and rhythm that the
// watcher process serves itself (Options.Ghost): each writes, every
// api.FlushEvery in a slot of its own, the frames of the runs that a
// schedule of rate runs a second started and ended since its last write.
// Their clients then cost the machine what the real ones do (the reads,
// the loopback's work, the wake-ups) while the service serves nothing, so
// the difference between watching the service and watching the ghosts is
// what serving the streams costs the service itself.
func ghostStreams(rate float64) (url string, stop func(), err error) {
	run := ghostRun()
	var k atomic.Uint64
	srv, base, err := serveLoopback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ghostStream(w, r, run, rate, k.Add(1))
	}))
	if err != nil {
		return "", nil, err
	}
	return base + "/v1/events", func() { _ = srv.Close() }, nil
}

// ghostStream writes one stream, the k-th, until its client goes.
func ghostStream(w http.ResponseWriter, r *http.Request, run []byte, rate float64, k uint64) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Transfer-Encoding", "identity")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	if rc.Flush() != nil {
		return
	}
	// The k-th stream's slot, as the service places them.
	next := time.Now().Add(api.Phase(k))
	if !sleepUntil(next, r.Context().Done()) {
		return
	}
	var buf []byte
	owed, last := 0.0, next
	for {
		next = next.Add(api.FlushEvery)
		if !sleepUntil(next, r.Context().Done()) {
			return
		}
		now := time.Now()
		owed += rate * now.Sub(last).Seconds()
		last = now
		buf = buf[:0]
		for ; owed >= 1; owed-- {
			buf = append(buf, run...)
		}
		if _, err := w.Write(buf); err != nil || rc.Flush() != nil {
			return
		}
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
