package api

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// stream is one client's event stream. Its mutex is held while its frames
// are read and written: by its handler while it is quiet, by the relay's
// turns while it is busy.
type stream struct {
	mu    sync.Mutex
	sub   Subscription
	f     frames
	w     http.ResponseWriter
	rc    *http.ResponseController
	wrote time.Time // when its last write began
	err   bool      // a write failed
	ended bool      // its handler has returned
	left  chan struct{}
}

// quiet waits for the next event, or for heartbeat to pass without one,
// and writes it with those that came with it. event says whether one
// came; ok is false when the client went or the feed ended.
func (st *stream) quiet(ctx context.Context, heartbeat time.Duration) (event, ok bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.f.buf = st.f.buf[:0]
	last := st.f.last
	if !st.f.await(ctx, st.sub, heartbeat) {
		return false, false
	}
	st.f.ready(st.sub)
	return st.f.last != last, st.write()
}

// turn is the relay's: it writes the events already published. ok is
// false when it wrote nothing because the stream is being written, wrote
// less than half a period ago, or has ended; busy is false when there
// was nothing to write or the write failed.
func (st *stream) turn() (busy, ok bool) {
	if !st.mu.TryLock() {
		return true, false
	}
	defer st.mu.Unlock()
	if st.ended || time.Since(st.wrote) < FlushEvery/2 {
		return true, false
	}
	st.f.buf = st.f.buf[:0]
	if st.f.ready(st.sub) == 0 {
		return false, true
	}
	return st.write(), true
}

// write writes the frames, and says whether the client took them.
func (st *stream) write() bool {
	st.wrote = time.Now()
	_ = st.rc.SetWriteDeadline(st.wrote.Add(writeWait))
	if _, err := st.w.Write(st.f.buf); err != nil || st.rc.Flush() != nil {
		st.err = true
	}
	return !st.err
}

// failed says whether a write failed; the relay's turns set it.
func (st *stream) failed() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.err
}

// end waits for a turn that is writing the stream, and keeps any later
// one from writing it: the response is not the handler's once it returns.
func (st *stream) end() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.ended = true
}
