package api

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRunNowAnswers: 202 with the manual run, 404 for an unknown job, 409
// for one that cannot run.
func TestRunNowAnswers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 3)
	op := bearer(h.tokens[Operator])
	if resp, body := h.do("POST", "/v1/jobs/job-000001/run-now", "", op); resp.StatusCode != http.StatusAccepted || !strings.Contains(body, `"after_run_in_flight":false`) {
		t.Errorf("run now: %s %s", resp.Status, body)
	}
	if resp, body := h.do("POST", "/v1/jobs/nope/run-now", "", op); resp.StatusCode != http.StatusNotFound || decodeError(t, body).Field != "name" {
		t.Errorf("unknown job: %s %s", resp.Status, body)
	}
	if resp, body := h.do("POST", "/v1/jobs/job-000000/run-now", "", op); resp.StatusCode != http.StatusConflict {
		t.Errorf("deactivated job: %s %s", resp.Status, body)
	}
	var page AuditPage
	if resp := h.getJSON("/v1/audit?limit=5", &page); resp.StatusCode != http.StatusOK || len(page.Entries) != 1 {
		t.Errorf("audit: %s %+v", resp.Status, page)
	}
	if resp, body := h.do("GET", "/v1/audit?before=x", "", op); resp.StatusCode != http.StatusBadRequest || decodeError(t, body).Field != "before" {
		t.Errorf("bad cursor: %s %s", resp.Status, body)
	}
}

// TestEventStream: events arrive as SSE frames with their ids, a gap in
// the ids is announced as lagged, and an idle stream sends heartbeats, in
// a body the connection's end ends, not in chunks.
func TestEventStream(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 1, func(o *Options, f *fakeService) {
		o.Heartbeat = time.Millisecond
		f.events = make(chan Event, 4)
	})
	req, _ := http.NewRequest("GET", h.http.URL+"/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+h.tokens[Viewer])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || ct != "text/event-stream" {
		t.Fatalf("stream: %s %s", resp.Status, ct)
	}
	if len(resp.TransferEncoding) != 0 || !resp.Close {
		t.Errorf("stream's transfer encoding %q (closed at its end: %v), want none and closed", resp.TransferEncoding, resp.Close)
	}
	lines := bufio.NewScanner(resp.Body)
	next := func() string {
		for lines.Scan() {
			if l := lines.Text(); l != "" && l != ": heartbeat" {
				return l
			}
		}
		t.Fatalf("the stream ended: %v", lines.Err())
		return ""
	}
	if !lines.Scan() || lines.Text() != ": heartbeat" {
		t.Fatalf("first line %q, want a heartbeat", lines.Text())
	}
	h.svc.events <- NewEvent(7, "run-end", []byte(`{"seq":7}`))
	h.svc.events <- NewEvent(10, "run-start", []byte(`{"seq":10}`))
	var got []string
	for range 7 {
		got = append(got, next())
	}
	want := []string{"id: 7", "event: run-end", `data: {"seq":7}`, "event: lagged", `data: {"missed":2}`, "id: 10", "event: run-start"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("frames:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
