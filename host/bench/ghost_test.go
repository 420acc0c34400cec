package bench

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestGhostStreams: a ghost stream sends run-start and run-end frames, a
// run's worth of each per run at its rate, until its client goes.
func TestGhostStreams(t *testing.T) {
	t.Parallel()
	url, stop, err := ghostStreams(2000)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a guard against hangs
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	var got []byte
	buf := make([]byte, 64<<10)
	for bytes.Count(got, runEnd) < 100 {
		n, err := resp.Body.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			t.Fatalf("after %d bytes: %v", len(got), err)
		}
	}
	// A read may end inside a write, after a run's start.
	if starts, ends := bytes.Count(got, []byte("event: run-start\n")), bytes.Count(got, runEnd); starts != ends && starts != ends+1 {
		t.Errorf("%d run starts and %d run ends: the writes are not whole runs", starts, ends)
	}
	if !bytes.HasPrefix(got, []byte("id: ")) {
		t.Errorf("the stream does not begin with a frame: %.80q", got)
	}
}

// TestSchedulerGhostStreams: with Ghost the clients read the watcher's
// own streams, as many runs as the schedule's, and the table says so.
func TestSchedulerGhostStreams(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts an engine and a watcher process")
	}
	o := Options{Runs: 3, Scale: time.Second, Quick: true, Subscribers: 2, Ghost: true, Watcher: testWatcher}
	var out strings.Builder
	if err := RunCases(context.Background(), []Case{{"7 scheduler", scheduler}}, o, &out); err != nil {
		t.Fatal(err)
	}
	for _, row := range []string{"clients of ghost streams", "run-end events each /v1/events client read"} {
		if !strings.Contains(out.String(), row) {
			t.Errorf("no row %q:\n%s", row, out.String())
		}
	}
}
