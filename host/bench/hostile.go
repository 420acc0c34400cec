package bench

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/service"
)

// hostile is case 8: a 1 s canary alone, then beside every job of the
// hostile corpus (LoadCorpus), each under CorpusLimits and every second.
// It reports the canary's start lateness in both phases, the longest
// garbage-collection pause of the host meanwhile (a guest that kept the Go
// scheduler from stopping the world shows here first), the host's memory
// against the sum of the jobs' memory limits, and how many hostile jobs
// were contained: deactivated with the error their expectation names.
func hostile(v *env, o Options) ([]Row, error) {
	corpus, err := LoadCorpus(o.corpusDir())
	if err != nil {
		return nil, fmt.Errorf("%w (run from the repository or pass --corpus)", err)
	}
	h := &hostileRun{reports: make(chan sched.Report, 4096)}
	path, err := h.writeConfigs(v.dir, corpus)
	if err != nil {
		return nil, err
	}
	svc, err := service.Start(v.ctx, path, service.Options{OnReport: func(r sched.Report) { h.reports <- r }})
	if err != nil {
		return nil, err
	}
	defer svc.Stop(context.WithoutCancel(v.ctx))
	runs := max(5, min(o.Runs, 20))
	alone, err := h.canary(runs, nil)
	if err != nil {
		return nil, err
	}
	pausesBefore := gcPauses()
	if err := os.Rename(path+".corpus", path); err != nil {
		return nil, err
	}
	if err := svc.Reload(v.ctx); err != nil {
		return nil, err
	}
	done := map[string]sched.Report{}
	beside, err := h.canary(runs, func(r sched.Report) { done[r.Job] = r })
	for len(done) < len(corpus) && err == nil {
		_, err = h.canary(1, func(r sched.Report) { done[r.Job] = r })
	}
	if err != nil {
		return nil, err
	}
	contained := 0
	var missed []string
	for _, j := range corpus {
		if r := done[j.Name]; r.State == sched.Deactivated && strings.Contains(r.Outcome.Error, j.ErrHas) {
			contained++
		} else {
			missed = append(missed, j.Name)
		}
	}
	pause := longestPause(pausesBefore, gcPauses())
	limits := float64(len(corpus)+1) * float64(CorpusLimits().MemoryBytes) / (1 << 20)
	return []Row{
		alone.lateness("canary alone: start lateness, p50 (p99–max)"),
		beside.lateness(fmt.Sprintf("beside %d hostile jobs: lateness, p50 (p99–max)", len(corpus))),
		{Figure: "  longest host GC pause meanwhile", Median: pause * 1000, Unit: "ms", Note: "runtime/metrics, upper bucket bound"},
		{Figure: "  host RSS, most seen", Median: float64(h.rss) / (1 << 20), Unit: "MiB", Note: fmt.Sprintf("jobs' memory limits sum to %.0f MiB", limits)},
		{Figure: "  hostile jobs contained", Median: float64(contained), Unit: "jobs", Note: containedNote(len(corpus), missed)},
	}, nil
}

func containedNote(total int, missed []string) string {
	if len(missed) == 0 {
		return fmt.Sprintf("all %d", total)
	}
	return fmt.Sprintf("of %d; not: %s", total, strings.Join(missed, ", "))
}

// hostileRun is the state of one hostile case: the reports of its service
// and the most memory seen.
type hostileRun struct {
	reports chan sched.Report
	mu      sync.Mutex
	rss     int64
}

// writeConfigs writes a config with the canary alone, and beside it at
// path+".corpus" the same with the whole corpus, for a reload to bring in.
func (h *hostileRun) writeConfigs(dir string, corpus []CorpusJob) (string, error) {
	canary := filepath.Join(dir, "canary.lua")
	if err := os.WriteFile(canary, []byte(trivialLua), 0o644); err != nil {
		return "", err
	}
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "job_dirs = [%q", dir)
	for _, d := range corpusDirs(corpus) {
		fmt.Fprintf(&cfg, ", %q", d)
	}
	fmt.Fprintf(&cfg, "]\nstate_dir = %q\n\n%s", filepath.Join(dir, "state"), CorpusConfig)
	fmt.Fprintf(&cfg, "\n[[jobs]]\nname = \"canary\"\nfile = %q\ninterval = 1\n", canary)
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
		return "", err
	}
	for _, j := range corpus {
		fmt.Fprintf(&cfg, "\n[[jobs]]\nname = %q\nfile = %q\ninterval = 1\n", j.Name, j.File)
	}
	return path, os.WriteFile(path+".corpus", []byte(cfg.String()), 0o644)
}

// corpusDirs are the directories the corpus's job files lie in.
func corpusDirs(corpus []CorpusJob) []string {
	var dirs []string
	for _, j := range corpus {
		if d := filepath.Dir(j.File); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// canary waits for n canary runs, handing other jobs' reports to other, and
// samples the host's memory meanwhile.
func (h *hostileRun) canary(n int, other func(sched.Report)) (stats, error) {
	var late stats
	guard := time.After(time.Duration(n)*time.Second + 2*time.Minute)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for len(late) < n {
		select {
		case r := <-h.reports:
			switch {
			case r.Job != "canary":
				other(r)
			case r.Outcome.Error != "":
				return nil, fmt.Errorf("the canary failed: %s", r.Outcome.Error)
			default:
				late = append(late, ms(r.Lateness()))
			}
		case <-tick.C:
			h.rss = max(h.rss, rssBytes())
		case <-guard:
			return nil, fmt.Errorf("the canary ran %d of %d times", len(late), n)
		}
	}
	slices.Sort(late)
	return late, nil
}

const gcPauseMetric = "/sched/pauses/total/gc:seconds"

func gcPauses() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: gcPauseMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	return s[0].Value.Float64Histogram()
}

// longestPause is the upper bound of the highest bucket that gained a
// pause between two readings of the pause histogram, in seconds.
func longestPause(before, after *metrics.Float64Histogram) float64 {
	if before == nil || after == nil {
		return 0
	}
	for i := len(after.Counts) - 1; i >= 0; i-- {
		if after.Counts[i] > before.Counts[i] {
			if hi := after.Buckets[i+1]; !math.IsInf(hi, 1) {
				return hi
			}
			return after.Buckets[i]
		}
	}
	return 0
}
