package service

import (
	"bufio"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestEventStreamBusySpell: events that keep coming over many of a
// stream's turns all arrive, once each and in order, with nothing counted
// as missed; and a stream stopped in the middle of a busy spell still
// sends every event published before it ends, then ends.
func TestEventStreamBusySpell(t *testing.T) {
	t.Parallel()
	bus, stopped := NewBus(), make(chan struct{})
	srv := httptest.NewServer(EventStream(bus, stopped))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	ids, ended := make(chan uint64, 64), make(chan error, 1)
	go func() {
		ended <- readIDs(resp, ids)
		close(ids)
	}()

	// Each batch is published once the client has the one before, so the
	// stream is kept busy across turns (a turn is api.FlushEvery).
	const batches, each = 5, 200
	var want uint64
	for b := range batches {
		for range each {
			bus.Publish(Event{Kind: EventRunEnd, Job: "j"})
		}
		for want < uint64((b+1)*each) {
			want = nextID(t, ids, ended, want)
		}
	}
	for range each {
		bus.Publish(Event{Kind: EventRunEnd, Job: "j"})
	}
	close(stopped)
	for want < batches*each+each {
		want = nextID(t, ids, ended, want)
	}
	select {
	case id, more := <-ids:
		if more {
			t.Fatalf("event %d after the last one published", id)
		}
		if err := <-ended; err != nil {
			t.Fatalf("after the last event: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the stream did not end once the service stopped")
	}
}

// nextID reads the stream's next event ID and checks it follows last.
func nextID(t *testing.T, ids <-chan uint64, ended <-chan error, last uint64) uint64 {
	t.Helper()
	select {
	case id, more := <-ids:
		if !more {
			t.Fatalf("the stream ended after event %d: %v", last, <-ended)
		}
		if id != last+1 {
			t.Fatalf("event %d after %d", id, last)
		}
		return id
	case <-time.After(30 * time.Second):
		t.Fatalf("no event after %d", last)
		return 0
	}
}

// readIDs sends the ID of each event of the stream until it ends; a
// lagged frame, which means events were missed, is an error.
func readIDs(resp *http.Response, ids chan<- uint64) error {
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		line := lines.Text()
		if line == "event: lagged" {
			return errLagged
		}
		if v, ok := strings.CutPrefix(line, "id: "); ok {
			id, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return err
			}
			ids <- id
		}
	}
	return lines.Err()
}

var errLagged = errors.New("the stream says it missed events")
