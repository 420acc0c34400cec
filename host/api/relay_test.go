package api

import (
	"bytes"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestRelayStalledClient: a turn that a stalled client holds up keeps no
// other stream waiting longer than a period: the next turn skips the
// stalled stream and writes the others. Once its write ends, the stalled
// stream is written again; a quiet stream leaves the relay, and a stream
// whose handler has ended is never written again.
func TestRelayStalledClient(t *testing.T) {
	t.Parallel()
	rel := newRelay()
	stalled, other, witness := newTestStream(), newTestStream(), newTestStream()
	stalled.w.release = make(chan struct{})
	stalled.publish(7)
	other.publish(7)
	rel.join(stalled.stream)
	rel.join(other.stream)

	stalled.waitWriting(t)
	other.waitWrote(t, "id: 7\n")
	other.publish(8)
	other.waitWrote(t, "id: 8\n") // a later turn, while the stalled write waits

	close(stalled.w.release)
	stalled.waitWrote(t, "id: 7\n")
	select {
	case <-stalled.left: // the next turn found it had nothing more
	case <-time.After(time.Minute):
		t.Fatal("a quiet stream did not leave the relay")
	}

	// other's handler returns while a turn still holds the stream, as when
	// its client goes during the turn.
	other.end()
	other.publish(9)
	rel.join(other.stream)
	rel.join(witness.stream)
	witness.publish(1)
	witness.waitWrote(t, "id: 1\n")
	witness.publish(2)
	witness.waitWrote(t, "id: 2\n") // a whole turn after other's end
	if got := other.w.written(); bytes.Contains(got, []byte("id: 9\n")) {
		t.Errorf("a stream was written after its handler returned:\n%s", got)
	}
}

// testStream is a stream over a fake subscription and a recorded response.
type testStream struct {
	*stream
	events chan Event
	w      *recorder
}

func newTestStream() *testStream {
	events := make(chan Event, 16)
	w := &recorder{header: http.Header{}, writing: make(chan struct{}, 16), wrote: make(chan struct{}, 16)}
	return &testStream{
		stream: &stream{sub: fakeSub{events}, f: frames{last: 6}, w: w, rc: http.NewResponseController(w), left: make(chan struct{}, 1)},
		events: events, w: w,
	}
}

func (s *testStream) publish(id uint64) {
	s.events <- NewEvent(id, "run-end", []byte(`{}`))
}

// waitWriting waits until a write of the stream has begun.
func (s *testStream) waitWriting(t *testing.T) {
	t.Helper()
	select {
	case <-s.w.writing:
	case <-time.After(time.Minute):
		t.Fatal("no turn began to write the stream")
	}
}

// waitWrote waits until a write of the stream has ended, and checks that
// it held want.
func (s *testStream) waitWrote(t *testing.T, want string) {
	t.Helper()
	for {
		select {
		case <-s.w.wrote:
			if bytes.Contains(s.w.written(), []byte(want)) {
				return
			}
		case <-time.After(time.Minute):
			t.Fatalf("the stream was not written %q; it has:\n%s", want, s.w.written())
		}
	}
}

// recorder is a response that keeps what is written to it, signals each
// write's start and end, and, with release, lets writes end only once
// release closes: a stalled client.
type recorder struct {
	header  http.Header
	release chan struct{}
	writing chan struct{}
	wrote   chan struct{}

	mu  sync.Mutex
	buf bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(int)     {}
func (r *recorder) Flush()              {}

func (r *recorder) Write(b []byte) (int, error) {
	r.writing <- struct{}{}
	if r.release != nil {
		<-r.release
	}
	r.mu.Lock()
	r.buf.Write(b)
	r.mu.Unlock()
	r.wrote <- struct{}{}
	return len(b), nil
}

func (r *recorder) written() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.buf.Bytes())
}
