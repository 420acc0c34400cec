package tests

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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

// hostileGuests are the compiled guests of the hostile corpus and what
// their runs must end with, under corpusLimits.
var hostileGuests = map[string]string{
	"spin.wasm":       "time limit of 1s exceeded",
	"loop.wasm":       "time limit of 1s exceeded",
	"trap.wasm":       "the guest trapped: wasm error: unreachable",
	"grow.wasm":       "memory limit of 32 MiB exceeded",
	"recurse.wasm":    "stack depth limit of 20000 nested calls exceeded",
	"recurse-go.wasm": "stack depth limit of 20000 nested calls exceeded",
	"wrong-abi.wasm":  "it was built for jobbox ABI v2; this host speaks ABI v1",
	"bad-import.wasm": "which jobbox does not offer",
	"no-exports.wasm": "it does not export _initialize, jobbox_abi_version, jobbox_run",
	"truncated.wasm":  "not a valid WebAssembly module",
}

// corpusJob is one job of the hostile corpus: a job file and the text its
// stored error must contain.
type corpusJob struct{ name, file, errHas string }

func hostileCorpus(t *testing.T) []corpusJob {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("hostile", "*.lua"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no hostile corpus: %v", err)
	}
	var jobs []corpusJob
	for _, file := range files {
		status, errHas := expectation(t, file)
		if status != "ERROR" {
			t.Fatalf("%s: every hostile job must end in ERROR, not %s", file, status)
		}
		abs, err := filepath.Abs(file)
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, corpusJob{strings.TrimSuffix(filepath.Base(file), ".lua"), abs, errHas})
	}
	for guest, errHas := range hostileGuests {
		jobs = append(jobs, corpusJob{"guest-" + strings.TrimSuffix(guest, ".wasm"), absGuest(t, guest), errHas})
	}
	return jobs
}

// TestHostileCorpusBesideCanary runs a 1-second canary on the real clock,
// first alone and then beside the whole hostile corpus, while another
// goroutine forces garbage collections (a guest that kept the Go scheduler
// from stopping the world would hang them all). Every hostile job must end
// deactivated with an error that says what happened, and the canary must
// keep its schedule: the test reports its lateness in both phases.
func TestHostileCorpusBesideCanary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "canary.lua"), "local job = core.job()\nfunction job.run() return job.OK end\nreturn job\n")
	corpus := hostileCorpus(t)
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "job_dirs = [%q, %q, %q]\n", dir, filepath.Dir(absGuest(t, "x")), filepath.Dir(corpus[0].file))
	fmt.Fprintf(&cfg, "state_dir = %q\n\n[limits]\ntimeout = \"1s\"\nmemory = \"32MiB\"\nhost_calls = 10000\nrun_bytes = \"16MiB\"\n", filepath.Join(dir, "state"))
	fmt.Fprintf(&cfg, "\n[[jobs]]\nname = \"canary\"\nfile = \"canary.lua\"\ninterval = 1\n")
	cfgPath := filepath.Join(dir, "config.toml")
	writeFile(t, cfgPath, cfg.String())
	for _, j := range corpus { // added by a reload once the canary has run alone
		fmt.Fprintf(&cfg, "\n[[jobs]]\nname = %q\nfile = %q\ninterval = 1\n", j.name, j.file)
	}

	reports := make(chan sched.Report, 1000)
	svc, err := service.Start(context.Background(), cfgPath, service.Options{OnReport: func(r sched.Report) { reports <- r }})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(context.Background())

	const canaryRuns = 10
	deadline := time.After(90 * time.Second)
	canary := func(r sched.Report) time.Duration {
		if r.Outcome.Error != "" {
			t.Fatalf("canary failed: %s", r.Outcome.Error)
		}
		return r.Lateness()
	}
	var alone, beside []time.Duration
	for len(alone) < canaryRuns {
		select {
		case r := <-reports:
			alone = append(alone, canary(r))
		case <-deadline:
			t.Fatalf("after 90s the canary ran %d times alone", len(alone))
		}
	}

	stopGC := make(chan struct{})
	defer close(stopGC)
	go func() {
		for {
			select {
			case <-stopGC:
				return
			default:
				runtime.GC()
			}
		}
	}()
	writeFile(t, cfgPath, cfg.String())
	if err := svc.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	done := map[string]sched.Report{}
	for len(done) < len(corpus) || len(beside) < canaryRuns {
		select {
		case r := <-reports:
			if r.Job == "canary" {
				beside = append(beside, canary(r))
			} else {
				done[r.Job] = r
			}
		case <-deadline:
			t.Fatalf("after 90s: hostile jobs finished %d of %d, canary ran %d times beside them", len(done), len(corpus), len(beside))
		}
	}
	for _, j := range corpus {
		r := done[j.name]
		if r.State != sched.Deactivated || !strings.Contains(r.Outcome.Error, j.errHas) {
			t.Errorf("%s: state %s error %q; want deactivated with %q", j.name, r.State, r.Outcome.Error, j.errHas)
		}
	}
	for _, v := range svc.Scheduler().Jobs() {
		if v.Name != "canary" && (v.State != sched.Deactivated || v.LastError == "") {
			t.Errorf("%s: listed as %s with error %q", v.Name, v.State, v.LastError)
		}
	}
	t.Logf("canary alone: %s", latencies(alone))
	t.Logf("canary beside %d hostile jobs and a GC loop: %s", len(corpus), latencies(beside))
	// Not a speed target: a bound far above any healthy figure, that a
	// canary delayed by a hostile job (by its 1 s time limit) would break.
	if worst := slices.Max(beside); worst > 500*time.Millisecond {
		t.Errorf("the canary started %s late beside the hostile jobs", worst)
	}
}

func latencies(d []time.Duration) string {
	d = slices.Sorted(slices.Values(d))
	return fmt.Sprintf("%d runs, lateness p50 %s, p99 %s, max %s",
		len(d), d[len(d)/2].Round(time.Microsecond), d[(len(d)*99)/100].Round(time.Microsecond), d[len(d)-1].Round(time.Microsecond))
}
