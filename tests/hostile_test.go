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

	"github.com/jobbox/jobbox/host/bench"
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

// TestHostileCorpusBesideCanary runs a 1-second canary on the real clock,
// first alone and then beside the whole hostile corpus, while another
// goroutine forces a garbage collection every few milliseconds (a guest that
// kept the Go scheduler from stopping the world would hang them all). Every
// hostile job must end deactivated with an error that says what happened,
// and the canary must keep running beside them. Its lateness is reported,
// not asserted: the bound belongs to `jobbox bench --case hostile`, since a
// busy CI machine makes any timing here a coin toss.
func TestHostileCorpusBesideCanary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "canary.lua"), "local job = core.job()\nfunction job.run() return job.OK end\nreturn job\n")
	corpus := hostileCorpus(t)
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "job_dirs = [%q, %q, %q]\n", dir, filepath.Dir(absGuest(t, "x")), filepath.Join(filepath.Dir(filepath.Dir(corpus[0].File)), "hostile"))
	fmt.Fprintf(&cfg, "state_dir = %q\n\n%s", filepath.Join(dir, "state"), bench.CorpusConfig)
	fmt.Fprintf(&cfg, "\n[[jobs]]\nname = \"canary\"\nfile = \"canary.lua\"\ninterval = 1\n")
	cfgPath := filepath.Join(dir, "config.toml")
	writeFile(t, cfgPath, cfg.String())
	for _, j := range corpus { // added by a reload once the canary has run alone
		fmt.Fprintf(&cfg, "\n[[jobs]]\nname = %q\nfile = %q\ninterval = 1\n", j.Name, j.File)
	}

	reports := make(chan sched.Report, 1000)
	svc, err := seededStart(t, context.Background(), cfgPath, service.Options{OnReport: func(r sched.Report) { reports <- r }})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(context.Background())

	const canaryRuns = 10
	// A guard against a hang only: a healthy run takes about 25 s.
	const guard = 10 * time.Minute
	deadline := time.After(guard)
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
			t.Fatalf("after %s the canary ran %d times alone", guard, len(alone))
		}
	}

	collectGarbageOften(t)
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
			t.Fatalf("after %s: hostile jobs finished %d of %d, canary ran %d times beside them", guard, len(done), len(corpus), len(beside))
		}
	}
	checkContained(t, svc, corpus, done)
	t.Logf("canary alone: %s", latencies(alone))
	t.Logf("canary beside %d hostile jobs and a GC loop: %s", len(corpus), latencies(beside))
}

// collectGarbageOften forces a garbage collection every 5 ms until the
// test ends.
func collectGarbageOften(t *testing.T) {
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				runtime.GC()
			}
		}
	}()
}

// checkContained checks that every hostile job of the corpus ended
// deactivated with the error it expects, and is listed so.
func checkContained(t *testing.T, svc *service.Service, corpus []bench.CorpusJob, done map[string]sched.Report) {
	t.Helper()
	for _, j := range corpus {
		r := done[j.Name]
		switch {
		case r.State != sched.Deactivated:
			t.Errorf("%s: state %s error %q; want deactivated with %q", j.Name, r.State, r.Outcome.Error, j.ErrHas)
		case strings.Contains(r.Outcome.Error, j.ErrHas):
		case strings.Contains(r.Outcome.Error, "time limit of 1s exceeded"):
			// Beside 40 others on a busy machine, a bomb that counts up to
			// its limit may not get the CPU to reach it within its second:
			// still contained, by the other limit. TestHostileCorpus, one
			// job at a time, checks the error it names.
			t.Logf("%s: ended by its time limit before %q", j.Name, j.ErrHas)
		default:
			t.Errorf("%s: error %q; want %q (or its time limit)", j.Name, r.Outcome.Error, j.ErrHas)
		}
	}
	for _, v := range svc.Scheduler().Jobs() {
		if v.Name != "canary" && (v.State != sched.Deactivated || v.LastError == "") {
			t.Errorf("%s: listed as %s with error %q", v.Name, v.State, v.LastError)
		}
	}
}

func latencies(d []time.Duration) string {
	d = slices.Sorted(slices.Values(d))
	return fmt.Sprintf("%d runs, lateness p50 %s, p99 %s, max %s",
		len(d), d[len(d)/2].Round(time.Microsecond), d[(len(d)*99)/100].Round(time.Microsecond), d[len(d)-1].Round(time.Microsecond))
}
