package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/sandbox"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/service"
	"github.com/jobbox/jobbox/host/store"
)

// scheduler is case 7: trivial Lua jobs at 1-second intervals, 100 to 2000 of them, and
// 100,000 at 10-minute intervals, for o.Scale each: runs per second and how
// late runs start (start of run - due time).
func scheduler(v *env, o Options) ([]Row, error) {
	loads := []Load{{100, time.Second}, {250, time.Second}, {500, time.Second}, {1000, time.Second},
		{1500, time.Second}, {2000, time.Second}, {100_000, 10 * time.Minute}}
	switch {
	case len(o.Loads) > 0:
		loads = o.Loads
	case o.Quick:
		loads = []Load{{50, time.Second}}
	}
	var rows []Row
	for _, l := range loads {
		r, err := schedule(v.ctx, o, l.Jobs, formatInterval(l.Interval))
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	return rows, nil
}

// formatInterval writes d as config.toml does: 10m, not 10m0s.
func formatInterval(d time.Duration) string {
	s := d.String()
	for _, unit := range []string{"m0s", "h0m"} {
		if strings.HasSuffix(s, unit) {
			s = s[:len(s)-2]
		}
	}
	return s
}

// schedule runs n jobs every interval for o.Scale, after a warm-up, and
// reports runs per second and lateness, with o.Subscribers event-stream
// clients attached and, with o.Scrape, the metrics fed and scraped.
func schedule(ctx context.Context, o Options, n int, interval string) ([]Row, error) {
	v, err := newEnv(ctx)
	defer v.close()
	if err != nil {
		return nil, err
	}
	path, err := writeConfig(v.dir, n, interval)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	st, err := store.OpenBolt(filepath.Join(v.dir, "sched.db"))
	if err != nil {
		return nil, err
	}
	defer st.Close()
	e, err := v.engine(sandbox.Options{CacheDir: filepath.Join(os.TempDir(), "jobbox-bench-cache")})
	if err != nil {
		return nil, err
	}
	var rec recorder
	w, err := watch(o)
	if err != nil {
		return nil, err
	}
	defer w.close()
	bus := w.streams.bus
	s := sched.New(sched.Options{
		Runner: e, Store: st, MaxConcurrent: cfg.MaxConcurrentRuns, SpreadFirstRuns: true, OnStart: bus.RunStarted,
		OnReport: func(r sched.Report) {
			bus.RunEnded(r)
			rec.report(r)
			w.report(r)
		},
	})
	every := cfg.Jobs[0].Interval.Duration()
	rate := float64(n) / every.Seconds() // runs due a second
	if err := w.start(s, service.JobNames(cfg), rate); err != nil {
		return nil, err
	}
	runtime.GC()
	rssBefore := rssBytes()
	if err := s.Start(ctx, service.Specs(cfg, nil)); err != nil {
		return nil, err
	}
	time.Sleep(min(every, 2*time.Second)) // warm-up
	runs, elapsed, failed := rec.measure(o.Scale)
	rss := rssBytes()
	s.Stop(ctx)
	watched, err := w.finish()
	if err != nil {
		return nil, err
	}
	if failed > 0 {
		return nil, fmt.Errorf("%d runs failed", failed)
	}
	late, ends := sortedLateness(runs)
	if len(late) == 0 {
		return nil, fmt.Errorf("no run of %d jobs every %s finished in %s", n, interval, o.Scale)
	}
	rows := scheduleRows(scheduleName(n, interval, o), rate, late, ends, elapsed)
	rows = append(rows, w.compare(runs)...)
	rows = append(rows, watched...)
	if n >= 10_000 {
		rows = append(rows, Row{Figure: "  host RSS with all jobs configured", Median: float64(rss) / (1 << 20), Unit: "MiB",
			Note: fmt.Sprintf("%.0f MiB before the jobs", float64(rssBefore)/(1<<20))})
	}
	return rows, nil
}

// scheduleName names a load and what was attached to it.
func scheduleName(n int, interval string, o Options) string {
	name := fmt.Sprintf("%d jobs every %s", n, interval)
	if o.Subscribers > 0 {
		name += fmt.Sprintf(", %d /v1/events clients", o.Subscribers)
		if o.Ghost {
			name += " of ghost streams"
		}
	}
	if o.Scrape > 0 {
		name += fmt.Sprintf(", /metrics every %s", o.Scrape)
	}
	if (o.Subscribers > 0 || o.Scrape > 0) && o.IdleWatchers {
		name += " (watchers at idle priority)"
	}
	if o.Alternate > 0 {
		name += fmt.Sprintf(", in alternate %s spells", o.Alternate)
	}
	return name
}

// scheduleRows are the rows of one load: late holds start lateness, ends
// the time from due to the end of a run, both sorted.
func scheduleRows(name string, expected float64, late, ends stats, elapsed time.Duration) []Row {
	return []Row{
		{Figure: name + ": runs per second", Median: float64(len(late)) / elapsed.Seconds(), Unit: "/s",
			Note: fmt.Sprintf("expected %.0f/s", expected)},
		late.lateness("  start lateness, p50 (p99–max)"),
		ends.lateness("  due time to end of run, p50 (p99–max)"),
	}
}

// recorder collects the reports of the runs that end while it measures.
type recorder struct {
	mu        sync.Mutex
	measuring bool
	runs      []ranRun
	failed    int
}

// ranRun is one run's figures.
type ranRun struct {
	due   time.Time
	late  float64 // start of run - due time, ms
	toEnd float64 // end of run - due time, ms
}

func (rec *recorder) report(r sched.Report) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if !rec.measuring {
		return
	}
	if r.Outcome.Error != "" {
		rec.failed++
	}
	rec.runs = append(rec.runs, ranRun{due: r.Due, late: ms(r.Lateness()), toEnd: ms(r.Outcome.End.Sub(r.Due))})
}

// measure records for window and returns what it recorded.
func (rec *recorder) measure(window time.Duration) (runs []ranRun, elapsed time.Duration, failed int) {
	rec.mu.Lock()
	rec.measuring = true
	rec.mu.Unlock()
	start := time.Now()
	time.Sleep(window)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.measuring = false
	return slices.Clone(rec.runs), time.Since(start), rec.failed
}

// sortedLateness returns the runs' start lateness and times from due to
// end, each sorted.
func sortedLateness(runs []ranRun) (late, toEnd stats) {
	late, toEnd = make(stats, len(runs)), make(stats, len(runs))
	for i, r := range runs {
		late[i], toEnd[i] = r.late, r.toEnd
	}
	slices.Sort(late)
	slices.Sort(toEnd)
	return late, toEnd
}
