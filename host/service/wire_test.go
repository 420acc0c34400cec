package service

import (
	"bufio"
	"context"
	"encoding/json"
	"github.com/jobbox/jobbox/host/sandbox/sandboxtest"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/sched"
)

// wired is a service on a fake clock serving the admin API on loopback,
// with an admin token, of jobs "a" (returns OK) and "bad" (fails).
type wired struct {
	svc     *Service
	dir     string
	token   string
	reports chan sched.Report
}

func startWired(t *testing.T) *wired {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "jobs"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]string{"ok.lua": okLua, "bad.lua": badLua} {
		if err := os.WriteFile(filepath.Join(dir, "jobs", name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	token, hash := api.NewToken()
	cfg := "state_dir = \"state\"\njob_dirs = [\"jobs\"]\n[admin]\nlisten = \"127.0.0.1:0\"\n[[admin.tokens]]\nname = \"ci\"\nrole = \"admin\"\ntoken_hash = \"" + hash + "\"\n\n" +
		"[[jobs]]\nname = \"a\"\nfile = \"jobs/ok.lua\"\ninterval = 3600\n[[jobs]]\nname = \"bad\"\nfile = \"jobs/bad.lua\"\ninterval = 3600\n"
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	sandboxtest.SeedCache(t, filepath.Join(dir, "state", CacheDir)) // no cold compile of the Lua guest
	w := &wired{dir: dir, token: token, reports: make(chan sched.Report, 1000)}
	svc, err := Start(context.Background(), path, Options{ServeAPI: true, Log: &syncBuffer{},
		Clock:    clock.NewFake(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)),
		OnReport: func(r sched.Report) { w.reports <- r },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Stop(context.Background()) })
	w.svc = svc
	return w
}

// do sends a request with the admin token and decodes a JSON answer into out.
func (w *wired) do(t *testing.T, method, path, body string, out any, hdr ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, w.svc.APIURL()+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+w.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %s: %q", method, path, resp.Status, data)
		}
	}
	return resp
}

// TestRunNowOverHTTP: run now answers 202 and the run is in the paged
// history with its trigger and actor; the audit log names the token and
// its address; an unknown job is 404 and a deactivated one 409.
func TestRunNowOverHTTP(t *testing.T) {
	t.Parallel()
	w := startWired(t)
	var m api.ManualRun
	if resp := w.do(t, "POST", "/v1/jobs/a/run-now", "", &m); resp.StatusCode != http.StatusAccepted || m.Job != "a" || m.Actor != "ci" || m.Due.IsZero() {
		t.Fatalf("run now: %s %+v", resp.Status, m)
	}
	nextReport(t, w.reports)
	if resp := w.do(t, "POST", "/v1/jobs/nope/run-now", "", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown job: %s", resp.Status)
	}
	if resp := w.do(t, "POST", "/v1/jobs/bad/deactivate", "", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("deactivate: %s", resp.Status)
	}
	if resp := w.do(t, "POST", "/v1/jobs/bad/run-now", "", nil); resp.StatusCode != http.StatusConflict {
		t.Fatalf("a deactivated job: %s", resp.Status)
	}
	var runs api.RunPage
	w.do(t, "GET", "/v1/jobs/a/runs?limit=1", "", &runs)
	if len(runs.Runs) != 1 || runs.Next != 0 {
		t.Fatalf("runs: %+v", runs)
	}
	if r := runs.Runs[0]; r.Trigger != "manual" || r.Actor != "ci" || r.From != "127.0.0.1" || !r.Due.Equal(m.Due) || r.Status != "OK" || r.ID == 0 {
		t.Fatalf("run %+v", r)
	}
	var audit api.AuditPage
	w.do(t, "GET", "/v1/audit?limit=2", "", &audit)
	if len(audit.Entries) != 2 || audit.Next == 0 {
		t.Fatalf("audit page: %+v", audit)
	}
	if e := audit.Entries[1]; e.Action != "deactivate" || e.Actor != "ci" || e.From != "127.0.0.1" || e.Job != "bad" {
		t.Fatalf("audit entry %+v", e)
	}
	var rest api.AuditPage
	w.do(t, "GET", "/v1/audit?before="+jsonMarshal(audit.Next), "", &rest)
	if len(rest.Entries) != 2 || rest.Entries[0].Action != "run-now" || rest.Entries[1].Action != "run-now" || rest.Next != 0 {
		t.Fatalf("the audit log's last page: %+v", rest)
	}
}

// TestEventsOverHTTP: a subscriber over real HTTP receives a manual run's
// end; a second client that never reads does not hold any run up; both
// streams end when the service stops.
func TestEventsOverHTTP(t *testing.T) {
	t.Parallel()
	w := startWired(t)
	open := func() *http.Response {
		req, _ := http.NewRequest("GET", w.svc.APIURL()+"/v1/events", nil)
		req.Header.Set("Authorization", "Bearer "+w.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("events: %v %v", resp, err)
		}
		return resp
	}
	stalled := open()
	defer stalled.Body.Close()
	live := open()
	defer live.Body.Close()
	// Each handler subscribed before it answered the headers.
	const runs = 100
	for range runs {
		if resp := w.do(t, "POST", "/v1/jobs/a/run-now", "", nil); resp.StatusCode != http.StatusAccepted {
			t.Fatalf("run now: %s", resp.Status)
		}
		nextReport(t, w.reports)
	}
	lines := bufio.NewScanner(live.Body)
	var ev Event
	for lines.Scan() {
		if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
			if err := json.Unmarshal([]byte(data), &ev); err != nil {
				t.Fatal(err)
			}
			if ev.Kind == EventRunEnd {
				break
			}
		}
	}
	if ev.Kind != EventRunEnd || ev.Job != "a" || ev.Status != "OK" || ev.Trigger != "manual" || ev.Actor != "ci" {
		t.Fatalf("the first run end: %+v (%v)", ev, lines.Err())
	}
	w.svc.Stop(context.Background())
	_, _ = io.Copy(io.Discard, live.Body) // ends: the stream closed
}

// jsonMarshal is v as JSON text.
func jsonMarshal(v any) string { b, _ := json.Marshal(v); return string(b) }
