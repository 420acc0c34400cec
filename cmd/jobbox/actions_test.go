package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/service"
)

// TestRunNowAndAudit: run-now on the socket runs the job, history shows
// the run as manual by the local admin, and audit shows the action from
// the unix socket; over --server, a viewer token may read the audit log
// but not run a job, and an operator's run is recorded with its name.
func TestRunNowAndAudit(t *testing.T) {
	t.Parallel()
	reports := make(chan sched.Report, 10)
	ts := startWithTokens(t, service.Options{ServeAPI: true, OnReport: func(r sched.Report) { reports <- r }})
	svc, cfg, viewerFile, operatorFile := ts.svc, ts.cfg, ts.viewerFile, ts.operatorFile
	ran := func() {
		t.Helper()
		for {
			select {
			case r := <-reports:
				if r.Trigger == "manual" {
					return
				}
			case <-time.After(30 * time.Second): // a hang guard
				t.Fatal("no manual run")
			}
		}
	}

	if code, out, errOut := jobbox(t, "run-now", "a", "--config", cfg); code != 0 || !strings.Contains(out, "job a runs now") {
		t.Fatalf("run-now: %d %q %q", code, out, errOut)
	}
	ran()
	if code, out, _ := jobbox(t, "history", "a", "--config", cfg); code != 0 || !strings.Contains(out, "manual by local  OK") {
		t.Fatalf("history: %q", out)
	}
	if code, _, errOut := jobbox(t, "run-now", "nope", "--config", cfg); code != 1 || !strings.Contains(errOut, `no job named "nope"`) {
		t.Fatalf("run-now of an unknown job: %d %q", code, errOut)
	}

	remote := []string{"--server", svc.APIURL(), "--config", filepath.Join(t.TempDir(), "missing.toml")}
	if code, _, errOut := jobbox(t, append([]string{"run-now", "a", "--token-file", viewerFile}, remote...)...); code != 1 || !strings.Contains(errOut, "needs the operator role") {
		t.Fatalf("run-now as viewer: %d %q", code, errOut)
	}
	if code, _, errOut := jobbox(t, append([]string{"run-now", "a", "--token-file", operatorFile}, remote...)...); code != 0 {
		t.Fatalf("run-now as operator: %q", errOut)
	}
	ran()
	code, out, errOut := jobbox(t, append([]string{"audit", "--token-file", viewerFile}, remote...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.Contains(lines[0], "o from 127.0.0.1  run-now a") ||
		!strings.Contains(lines[1], "local from unix socket  run-now nope") || !strings.Contains(lines[1], "refused") ||
		!strings.Contains(lines[2], "local from unix socket  run-now a: waiting -> manual run queued") {
		t.Fatalf("audit: %d %q %q", code, out, errOut)
	}
}
