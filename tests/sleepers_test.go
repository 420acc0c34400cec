package tests

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/service"
)

// signalWriter signals on lines for each log line containing want.
type signalWriter struct {
	mu    sync.Mutex
	want  []byte
	lines chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if bytes.Contains(p, w.want) {
		w.lines <- struct{}{}
	}
	return len(p), nil
}

// TestSleepersBesideCanary: as many Lua jobs as there are CPU slots
// (max_concurrent_runs) sleep within their limit; a canary added then runs
// while they all still sleep. Its lateness is logged, not asserted.
func TestSleepersBesideCanary(t *testing.T) {
	t.Parallel()
	const n = 4
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "canary.lua"), "local job = core.job()\nfunction job.run() return job.OK end\nreturn job\n")
	writeFile(t, filepath.Join(dir, "sleeper.lua"), "local job = core.job()\nfunction job.run()\n  core.log('asleep')\n  core.sleep(110)\n  return job.OK\nend\nreturn job\n")
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "state_dir = %q\nmax_concurrent_runs = %d\n\n[limits]\ntimeout = \"120s\"\n", filepath.Join(dir, "state"), n)
	for i := range n {
		fmt.Fprintf(&cfg, "\n[[jobs]]\nname = \"sleeper-%d\"\nfile = \"sleeper.lua\"\ninterval = 1\n", i)
	}
	cfgPath := filepath.Join(dir, "config.toml")
	writeFile(t, cfgPath, cfg.String())

	reports := make(chan sched.Report, 100)
	log := &signalWriter{want: []byte(`"message":"asleep"`), lines: make(chan struct{}, n)}
	svc, err := seededStart(t, context.Background(), cfgPath, service.Options{Log: log, OnReport: func(r sched.Report) { reports <- r }})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // no grace: the sleepers end as cancelled
		svc.Stop(ctx)
	}()
	hangGuard := time.After(100 * time.Second) // inside the sleepers' 110 s
	for range n {
		select {
		case <-log.lines:
		case <-hangGuard:
			t.Fatal("the sleepers did not all fall asleep")
		}
	}

	fmt.Fprintf(&cfg, "\n[[jobs]]\nname = \"canary\"\nfile = \"canary.lua\"\ninterval = 1\n")
	writeFile(t, cfgPath, cfg.String())
	if err := svc.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case r := <-reports:
			if r.Job != "canary" {
				t.Fatalf("%s ended (%s %s) before the canary ran", r.Job, r.Outcome.Status, r.Outcome.Error)
			}
			if r.Outcome.Error != "" {
				t.Fatalf("canary failed: %s", r.Outcome.Error)
			}
			t.Logf("the canary ran %s late beside %d sleepers holding every slot's turn", r.Lateness(), n)
			return
		case <-hangGuard:
			t.Fatal("the canary did not run while the sleepers slept")
		}
	}
}
