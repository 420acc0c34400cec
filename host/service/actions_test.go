package service

import (
	"bytes"
	"context"
	"errors"
	"github.com/jobbox/jobbox/host/sandbox/sandboxtest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/store"
)

const (
	okLua  = "local job = core.job()\nfunction job.run()\n  return job.OK\nend\nreturn job\n"
	badLua = "local job = core.job()\nfunction job.run()\n  error(\"boom\")\nend\nreturn job\n"
)

// syncBuffer is a log the service writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// startOK starts a service, on a fake clock, of a job "a" every hour that
// returns job.OK and a job "bad" that fails; its reports arrive on the returned channel.
func startOK(t *testing.T) (*Service, chan sched.Report, *syncBuffer) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ok.lua"), []byte(okLua), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.lua"), []byte(badLua), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := "state_dir = \"state\"\n[[jobs]]\nname = \"a\"\nfile = \"ok.lua\"\ninterval = 3600\n" +
		"[[jobs]]\nname = \"bad\"\nfile = \"bad.lua\"\ninterval = 3600\n"
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	sandboxtest.SeedCache(t, filepath.Join(dir, "state", CacheDir)) // no cold compile of the Lua guest
	reports := make(chan sched.Report, 100)
	log := &syncBuffer{}
	svc, err := Start(context.Background(), path, Options{
		Clock: clock.NewFake(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)), Log: log,
		OnReport: func(r sched.Report) { reports <- r },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Stop(context.Background()) })
	return svc, reports, log
}

func nextReport(t *testing.T, reports chan sched.Report) sched.Report {
	t.Helper()
	select {
	case r := <-reports:
		return r
	case <-time.After(30 * time.Second): // a hang guard
		t.Fatal("no run report")
		return sched.Report{}
	}
}

var ann = domain.Actor{Name: "ann", From: "192.0.2.7"}

// TestRunNowIsAuditedAndInHistory: a manual run is in the history with its
// actor, and each action (refused ones too) is in the audit log, newest
// first, and in the service log. Then deactivation, a reload's status and a
// run that deactivates its job are announced as events.
func TestRunNowIsAuditedAndInHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, reports, log := startOK(t)
	m, err := svc.RunNow(ctx, ann, "a")
	if err != nil {
		t.Fatal(err)
	}
	if r := nextReport(t, reports); r.Trigger != domain.TriggerManual || r.Outcome.Status.String() != "OK" {
		t.Fatalf("report %+v", r)
	}
	runs, next, err := svc.Runs(ctx, "a", store.Page{})
	if err != nil || len(runs) != 1 || next != 0 {
		t.Fatalf("history %+v %d %v", runs, next, err)
	}
	if r := runs[0]; r.Trigger != "manual" || r.Actor != "ann" || r.From != "192.0.2.7" || !r.Due.Equal(m.Key.Due) {
		t.Fatalf("history %+v", r)
	}
	if _, err := svc.RunNow(ctx, ann, "nope"); !errors.Is(err, sched.ErrUnknownJob) {
		t.Fatalf("run now of an unknown job: %v", err)
	}
	if err := svc.Deactivate(ctx, ann, "a"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Activate(ctx, ann, "a"); err != nil {
		t.Fatal(err)
	}
	if err := svc.ReloadAs(ctx, ann); err != nil {
		t.Fatal(err)
	}
	audit, _, err := svc.Audit(ctx, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range audit {
		got = append(got, e.Action+" "+e.Job+": "+e.Before+" -> "+e.After+" "+e.Error)
		if e.Actor != "ann" || e.From != "192.0.2.7" || e.Time.IsZero() {
			t.Fatalf("entry %+v", e)
		}
	}
	want := []string{
		"reload : 2 jobs -> 2 jobs ",
		"activate a: deactivated (deactivated: admin) -> deactivated ",
		"deactivate a: waiting -> deactivated (deactivated: admin) ",
		`run-now nope:  ->  no job named "nope" is configured`,
		"run-now a: waiting -> manual run queued ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(log.String(), `"action":"run-now"`) || !strings.Contains(log.String(), `"actor":"ann"`) {
		t.Fatalf("the service log lacks the audit lines: %s", log.String())
	}

	sub := svc.Subscribe()
	defer sub.Close()
	if err := svc.Deactivate(ctx, ann, "a"); err != nil {
		t.Fatal(err)
	}
	if err := svc.ReloadAs(ctx, ann); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RunNow(ctx, ann, "bad"); err != nil {
		t.Fatal(err)
	}
	nextReport(t, reports)
	if err := svc.Activate(ctx, ann, "bad"); err != nil {
		t.Fatal(err)
	}
	if err := svc.ReloadAs(ctx, ann); err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for range 10 {
		e := nextEvent(t, sub)
		got = append(got, string(e.Kind)+" "+e.Job+" "+e.State+" "+e.Status+" "+e.Reason)
	}
	want = []string{
		"job-state a deactivated  deactivate",
		"service   reloading ",
		"service   running ",
		"run-start bad   ",
		"run-end bad deactivated ERROR ",
		"job-state bad deactivated  error",
		"job-state bad deactivated  activate",
		"service   reloading ",
		"job-state bad waiting  reload",
		"service   running ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestBlockedSubscriberDoesNotDelayRuns: with one subscriber that never
// reads, every run still ends and is reported; it still holds every event
// afterwards (the bus keeps the latest DefaultEventBuffer), in order, as
// does a subscriber that reads as the runs go.
func TestBlockedSubscriberDoesNotDelayRuns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, reports, _ := startOK(t)
	blocked, live := svc.Subscribe(), svc.Subscribe()
	defer blocked.Close()
	defer live.Close()
	const runs = 20
	check := func(sub *Subscription, i int) {
		t.Helper()
		e := nextEvent(t, sub)
		want := []EventKind{EventRunStart, EventRunEnd}[i%2]
		if e.Kind != want || e.Job != "a" || e.Trigger != "manual" || e.Actor != "ann" || e.Seq != uint64(i+1) {
			t.Fatalf("event %d: %+v", i, e)
		}
		if e.Kind == EventRunEnd && (e.Status != "OK" || e.State != "waiting") {
			t.Fatalf("run end %+v", e)
		}
	}
	for i := range runs {
		if _, err := svc.RunNow(ctx, ann, "a"); err != nil {
			t.Fatal(err)
		}
		nextReport(t, reports)
		check(live, 2*i)
		check(live, 2*i+1)
	}
	for i := range 2 * runs {
		check(blocked, i)
	}
	if blocked.Dropped() != 0 || live.Dropped() != 0 {
		t.Fatalf("the subscribers dropped %d and %d events", blocked.Dropped(), live.Dropped())
	}
}
