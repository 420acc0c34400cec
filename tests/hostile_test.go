package tests

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/service"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func absGuest(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("guests", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHostileJobsDeactivatedWhileCanaryKeepsTime runs hostile jobs beside a
// 1-second canary on the real clock: each hostile job must end deactivated
// with an error that says what happened, and the canary must keep running
// on schedule throughout.
func TestHostileJobsDeactivatedWhileCanaryKeepsTime(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "canary.lua"), "local job = core.job()\nfunction job.run() return job.OK end\nreturn job\n")
	writeFile(t, filepath.Join(dir, "spin.lua"), "local job = core.job()\nfunction job.run()\n  while true do end\nend\nreturn job\n")
	hostile := map[string]struct{ file, errHas string }{
		"lua-spin":  {"spin.lua", "time limit of 1s exceeded"},
		"go-spin":   {absGuest(t, "spin.wasm"), "time limit of 1s exceeded"},
		"wasm-loop": {absGuest(t, "loop.wasm"), "time limit of 1s exceeded"},
		"trap":      {absGuest(t, "trap.wasm"), "the guest trapped: wasm error: unreachable"},
		"mem-bomb":  {absGuest(t, "grow.wasm"), "memory limit of 16 MiB exceeded"},
	}
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "state_dir = %q\n\n[[jobs]]\nname = \"canary\"\nfile = \"canary.lua\"\ninterval = 1\n", filepath.Join(dir, "state"))
	for name, h := range hostile {
		fmt.Fprintf(&cfg, "\n[[jobs]]\nname = %q\nfile = %q\ninterval = 1\n[jobs.limits]\ntimeout = \"1s\"\nmemory = \"16MiB\"\n", name, h.file)
	}
	cfgPath := filepath.Join(dir, "config.toml")
	writeFile(t, cfgPath, cfg.String())

	reports := make(chan sched.Report, 100)
	svc, err := service.Start(context.Background(), cfgPath, service.Options{OnReport: func(r sched.Report) { reports <- r }})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(context.Background())

	var lateness []time.Duration
	done := map[string]sched.Report{}
	deadline := time.After(60 * time.Second)
	for len(done) < len(hostile) || len(lateness) < 6 {
		select {
		case r := <-reports:
			if r.Job == "canary" {
				if r.Outcome.Error != "" {
					t.Fatalf("canary failed: %s", r.Outcome.Error)
				}
				lateness = append(lateness, r.Lateness())
			} else {
				done[r.Job] = r
			}
		case <-deadline:
			t.Fatalf("after 60s: hostile jobs finished %d of %d, canary ran %d times", len(done), len(hostile), len(lateness))
		}
	}
	for name, h := range hostile {
		r := done[name]
		if r.State != sched.Deactivated || !strings.Contains(r.Outcome.Error, h.errHas) {
			t.Errorf("%s: state %s error %q; want deactivated with %q", name, r.State, r.Outcome.Error, h.errHas)
		}
	}
	for _, v := range svc.Scheduler().Jobs() {
		if v.Name != "canary" && (v.State != sched.Deactivated || v.LastError == "") {
			t.Errorf("%s: listed as %s with error %q", v.Name, v.State, v.LastError)
		}
	}
	slices.Sort(lateness)
	p50, p99 := lateness[len(lateness)/2], lateness[len(lateness)*99/100]
	t.Logf("canary: %d runs, lateness p50 %s, p99 %s, max %s", len(lateness), p50, p99, lateness[len(lateness)-1])
	// Not a speed target: a bound far above any healthy figure, that a
	// canary delayed by a hostile job (by its 1 s time limit) would break.
	if worst := lateness[len(lateness)-1]; worst > 500*time.Millisecond {
		t.Errorf("the canary started %s late beside the hostile jobs", worst)
	}
}
