package api

import (
	"slices"
	"sync"
	"time"
)

// relay writes a server's busy event streams in one turn every
// FlushEvery, one after another on one goroutine. Ten busy streams then
// wake the service once a period, not ten times, and the clients' reads
// that follow fall in one stretch of a few milliseconds: the runs due in
// the rest of the period start as if no one watched. Streams that each
// wrote in a slot of their own spread that stretch over the whole period
// and made every run a little later (BENCHMARKS.md, Session 22); streams
// that each woke on one shared tick wrote all at once, on both
// processors (Session 18).
//
// A stream's own goroutine writes it only while it is quiet: the first
// event after a quiet spell, at once, and the heartbeats. A turn never
// waits for a stream that is writing: it skips it. So a client that
// stalls a turn's write holds up only the streams after it in that turn,
// which the next turn writes a period later, and its own stream waits
// alone until the write ends (writeWait at the latest).
type relay struct {
	epoch time.Time // turns fall on it and every FlushEvery after it

	mu    sync.Mutex
	busy  []*stream   // the streams the turns write, in the order they joined
	timer *time.Timer // the next turn's, set while busy is not empty
	armed bool
}

func newRelay() *relay { return &relay{epoch: time.Now()} }

// join has the turns write s from the next one on, until a turn finds
// nothing to write (s is quiet again) or its write fails: s.left then
// receives.
func (r *relay) join(s *stream) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.busy = append(r.busy, s)
	if r.armed {
		return
	}
	r.armed = true
	if r.timer == nil {
		r.timer = time.AfterFunc(r.untilNext(), r.turn)
	} else {
		r.timer.Reset(r.untilNext())
	}
}

// untilNext is how long until the next turn falls due.
func (r *relay) untilNext() time.Duration {
	since := time.Since(r.epoch)
	return (since/FlushEvery+1)*FlushEvery - since
}

// leave stops the turns writing s, and says whether they were: a turn
// under way may still be about to write it (the stream's mutex says when
// it has).
func (r *relay) leave(s *stream) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := slices.Index(r.busy, s)
	if i < 0 {
		return false
	}
	r.busy = slices.Delete(r.busy, i, i+1)
	if len(r.busy) == 0 {
		r.timer.Stop()
		r.armed = false
	}
	return true
}

// turn writes every busy stream that is not being written already. The
// next turn's timer is set first, so it comes on time even while a
// stalled client holds this one up.
func (r *relay) turn() {
	r.mu.Lock()
	streams := slices.Clone(r.busy)
	if len(streams) > 0 {
		r.timer.Reset(r.untilNext())
	} else {
		r.armed = false
	}
	r.mu.Unlock()
	for _, s := range streams {
		if busy, ok := s.turn(); ok && !busy && r.leave(s) {
			s.left <- struct{}{}
		}
	}
}
