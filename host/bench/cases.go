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

// trivialLuaRun is case 1: a trivial Lua job through Runner.Run, the
// scheduler's run path, against native gopher-lua doing the same.
func trivialLuaRun(v *env, o Options) ([]Row, error) {
	job, err := v.writeJob("trivial.lua", trivialLua)
	if err != nil {
		return nil, err
	}
	if nativeLua == nil {
		rows, err := runCase(v, o, job, "Lua", nil)
		return append(rows, Row{Figure: "  pooled / native", Note: nativeNote}), err
	}
	return runCase(v, o, job, "Lua", func() error { return nativeLua(trivialLua) })
}

// trivialGoGuest is case 2: the shipped hello-go guest, which reads the job
// info and the time and logs a line.
func trivialGoGuest(v *env, o Options) ([]Row, error) {
	path := filepath.Join(o.JobsDir, "hello-go.wasm")
	if _, err := os.Stat(path); err != nil {
		return []Row{{Figure: "skipped", Note: path + " not found: run from the repository or pass --jobs"}}, nil
	}
	return runCase(v, o, sandbox.Job{Name: "hello-go", File: path}, "Go guest", nil)
}

// runCase measures one job: paced runs from a pooled clone, the CPU a run
// costs back to back (the background clone included), fresh instances,
// and native, when given.
func runCase(v *env, o Options, job sandbox.Job, kind string, native func() error) ([]Row, error) {
	ctx := v.ctx
	e, err := v.engine(sandbox.Options{})
	if err != nil {
		return nil, err
	}
	fresh, err := v.engine(sandbox.Options{FreshInstances: true})
	if err != nil {
		return nil, err
	}
	run := func(r sandbox.Runner) func() (float64, error) {
		return func() (float64, error) { return timed(func() error { return runOK(ctx, r, job) }) }
	}
	for _, r := range []sandbox.Runner{e, e, e, fresh} { // warm up; a .wasm compiles here
		if _, err := run(r)(); err != nil {
			return nil, err
		}
	}
	paced, err := sample(o.Runs, func() (float64, error) {
		time.Sleep(settle)
		return run(e)()
	})
	if err != nil {
		return nil, err
	}
	cpuStart, wallStart := cpuTime(), time.Now()
	if _, err := sample(o.Runs, run(e)); err != nil {
		return nil, err
	}
	cpu := ms(cpuTime()-cpuStart) / float64(o.Runs)
	wall := ms(time.Since(wallStart)) / float64(o.Runs)
	freshRuns, err := sample(max(3, o.Runs/10), run(fresh))
	if err != nil {
		return nil, err
	}
	rows := []Row{
		paced.row(kind+" run from a pooled clone, start to end", "ms"),
		{Figure: "  p99 of the same", Median: paced.quantile(0.99), Unit: "ms"},
		{Figure: "  back to back: CPU per run, clone included", Median: cpu, Unit: "ms", Note: fmt.Sprintf("%.2f ms wall per run", wall)},
		freshRuns.row(kind+" run from a fresh instance (no snapshot)", "ms"),
		{Figure: "  fresh / pooled", Median: freshRuns.median() / paced.median(), Unit: "x"},
	}
	if native != nil {
		nat, err := sample(o.Runs, func() (float64, error) { return timed(native) })
		if err != nil {
			return nil, err
		}
		rows = append(rows, nat.row("native gopher-lua, NewState + same source", "ms"),
			Row{Figure: "  pooled / native", Median: paced.median() / nat.median(), Unit: "x"})
	}
	return rows, nil
}

// luaFib is case 3: fib(25) with preemption (the metered guest) against
// the same guest without the rewrite and against native gopher-lua. Both
// sandboxed figures use fresh instances, so only the rewrite differs; the
// samples alternate so that drift on a shared machine hits both.
func luaFib(v *env, o Options) ([]Row, error) {
	ctx := v.ctx
	job, err := v.writeJob("fib.lua", fibLua)
	if err != nil {
		return nil, err
	}
	metered, err := v.engine(sandbox.Options{FreshInstances: true})
	if err != nil {
		return nil, err
	}
	unmetered, err := v.engine(sandbox.Options{Unmetered: true})
	if err != nil {
		return nil, err
	}
	n := max(3, min(o.Runs, 9))
	var m, u, ratios stats
	for range n {
		tm, err := timed(func() error { return runOK(ctx, metered, job) })
		if err != nil {
			return nil, err
		}
		tu, err := timed(func() error { return runOK(ctx, unmetered, job) })
		if err != nil {
			return nil, err
		}
		m, u, ratios = append(m, tm), append(u, tu), append(ratios, tm/tu)
	}
	for _, s := range []stats{m, u, ratios} {
		slices.Sort(s)
	}
	rows := []Row{
		m.row("sandbox, with preemption checks", "ms"),
		u.row("sandbox, same guest without them", "ms"),
		ratios.row("preemption cost: with / without (per pair)", "x"),
	}
	if nativeLua == nil {
		return append(rows, Row{Figure: "sandbox with checks / native", Note: nativeNote}), nil
	}
	nat, err := sample(n, func() (float64, error) { return timed(func() error { return nativeLua(fibLua) }) })
	if err != nil {
		return nil, err
	}
	return append(rows,
		nat.row("native gopher-lua", "ms"),
		Row{Figure: "sandbox with checks / native", Median: m.median() / nat.median(), Unit: "x"}), nil
}

// hostCalls is case 4: core.log from Lua, a short string and a 64 KiB one.
// A call's cost is the run with n calls less the run with none, over n.
func hostCalls(v *env, o Options) ([]Row, error) {
	ctx := v.ctx
	e, err := v.engine(sandbox.Options{})
	if err != nil {
		return nil, err
	}
	limits := sandbox.Limits{LogLines: 1 << 20, LogBytes: 1 << 30, RunBytes: 1 << 30, HostCalls: 1 << 20}
	perCall := func(name, value string, n int) (stats, error) {
		src := func(calls int) string {
			return fmt.Sprintf("local job = core.job()\nfunction job.run()\n  local s = %s\n  for i = 1, %d do core.log(s) end\n  return job.OK\nend\nreturn job\n", value, calls)
		}
		base, err := v.writeJob(name+"0.lua", src(0))
		if err != nil {
			return nil, err
		}
		calls, err := v.writeJob(name+".lua", src(n))
		if err != nil {
			return nil, err
		}
		base.Limits, calls.Limits = limits, limits
		return sample(max(3, o.Runs/10), func() (float64, error) {
			time.Sleep(settle)
			t0, err := timed(func() error { return runOK(ctx, e, base) })
			if err != nil {
				return 0, err
			}
			time.Sleep(settle)
			t1, err := timed(func() error { return runOK(ctx, e, calls) })
			return (t1 - t0) * 1e6 / float64(n), err // ns per call
		})
	}
	short, err := perCall("short", `"hello"`, 5000)
	if err != nil {
		return nil, err
	}
	big, err := perCall("big", `string.rep("x", 65536)`, 300)
	if err != nil {
		return nil, err
	}
	mbps := func(ns float64) float64 { return 65536 / ns * 1e9 / 1e6 }
	return []Row{
		short.row(`core.log("hello")`, "ns"),
		big.row("core.log(64 KiB string)", "ns"),
		{Figure: "  throughput of the 64 KiB call", Median: mbps(big.median()), Low: mbps(big[len(big)-1]), High: mbps(big[0]), Unit: "MB/s"},
	}, nil
}

// compile is case 5: starting an engine (rewriting and compiling the Lua
// guest) with an empty compilation cache and with a warm one, and a warm
// start to the end of a first run.
func compile(v *env, o Options) ([]Row, error) {
	ctx := v.ctx
	job, err := v.writeJob("trivial.lua", trivialLua)
	if err != nil {
		return nil, err
	}
	start := func(cache string, first bool) (float64, error) {
		return timed(func() error {
			e, err := sandbox.New(ctx, sandbox.Options{CacheDir: cache})
			if err != nil {
				return err
			}
			defer e.Close(context.WithoutCancel(ctx))
			if first {
				return runOK(ctx, e, job)
			}
			return nil
		})
	}
	n := max(3, min(o.Runs, 5))
	var i int
	cold, err := sample(n, func() (float64, error) {
		i++
		return start(filepath.Join(v.dir, fmt.Sprint("cold", i)), false)
	})
	if err != nil {
		return nil, err
	}
	warmDir := filepath.Join(v.dir, "warm")
	if _, err := start(warmDir, false); err != nil {
		return nil, err
	}
	warm, err := sample(n, func() (float64, error) { return start(warmDir, false) })
	if err != nil {
		return nil, err
	}
	first, err := sample(n, func() (float64, error) { return start(warmDir, true) })
	if err != nil {
		return nil, err
	}
	return []Row{
		cold.row("engine start, cold compile", "ms"),
		warm.row("engine start, warm compilation cache", "ms"),
		first.row("warm start to the end of a first Lua run", "ms"),
	}, nil
}

// memory is case 6: the linear memory and host memory of running Lua
// instances, and the host memory of configured jobs that are not running.
func memory(v *env, o Options) ([]Row, error) {
	ctx := v.ctx
	e, err := v.engine(sandbox.Options{})
	if err != nil {
		return nil, err
	}
	job, err := v.writeJob("sleep.lua", "local job = core.job()\nfunction job.run()\n  core.sleep(0.5)\n  return job.OK\nend\nreturn job\n")
	if err != nil {
		return nil, err
	}
	out := e.Run(ctx, job)
	if out.Error != "" {
		return nil, fmt.Errorf("%s", out.Error)
	}
	const running = 32
	time.Sleep(100 * time.Millisecond) // the pool refills
	runtime.GC()
	before := rssBytes()
	var wg sync.WaitGroup
	for range running {
		wg.Go(func() { e.Run(ctx, job) })
	}
	time.Sleep(250 * time.Millisecond) // all asleep in core.sleep
	during := rssBytes()
	wg.Wait()

	idle, err := idleJobMemory(ctx, v.dir, 10_000)
	if err != nil {
		return nil, err
	}
	return []Row{
		{Figure: "linear memory of a running Lua instance", Median: float64(out.Memory) / (1 << 20), Unit: "MiB"},
		{Figure: fmt.Sprintf("host RSS per running Lua instance (%d at once)", running), Median: float64(during-before) / running / (1 << 20), Unit: "MiB"},
		{Figure: "host memory per configured idle job (10,000)", Median: idle / 1024, Unit: "KiB", Note: "config, schedule and state, after GC"},
	}, nil
}

// idleJobMemory loads a config of n jobs and schedules them, and returns
// the heap it takes per job, in bytes.
func idleJobMemory(ctx context.Context, dir string, n int) (float64, error) {
	path, err := writeConfig(dir, n, "1h")
	if err != nil {
		return 0, err
	}
	st, err := store.OpenBolt(filepath.Join(dir, "idle.db"))
	if err != nil {
		return 0, err
	}
	defer st.Close()
	before := heapBytes()
	cfg, err := config.Load(path)
	if err != nil {
		return 0, err
	}
	s := sched.New(sched.Options{Runner: nopRunner{}, Store: st, SpreadFirstRuns: true})
	if err := s.Start(ctx, service.Specs(cfg, nil)); err != nil {
		return 0, err
	}
	defer s.Stop(ctx)
	after := heapBytes()
	runtime.KeepAlive(cfg)
	return float64(after-before) / float64(n), nil
}

func heapBytes() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

type nopRunner struct{}

func (nopRunner) Run(context.Context, sandbox.Job) sandbox.Outcome { return sandbox.Outcome{} }

// writeConfig writes a config.toml of n trivial Lua jobs at interval.
func writeConfig(dir string, n int, interval string) (string, error) {
	if err := os.WriteFile(filepath.Join(dir, "trivial.lua"), []byte(trivialLua), 0o644); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "state_dir = %q\nmax_concurrent_runs = 64\n", filepath.Join(dir, "state"))
	for i := range n {
		fmt.Fprintf(&b, "\n[[jobs]]\nname = \"job-%06d\"\nfile = \"trivial.lua\"\ninterval = %q\n", i, interval)
	}
	path := filepath.Join(dir, fmt.Sprintf("config-%d.toml", n))
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

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
		r, err := schedule(v.ctx, o.Scale, l.Jobs, formatInterval(l.Interval), o.Scrape)
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

func schedule(ctx context.Context, window time.Duration, n int, interval string, scrape time.Duration) ([]Row, error) {
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
	var (
		mu        sync.Mutex
		late      stats
		toEnd     stats // due time to end of run
		failed    int
		measuring bool
		sc        *scraper // with o.Scrape: the metrics, fed and scraped
	)
	s := sched.New(sched.Options{
		Runner: e, Store: st, MaxConcurrent: cfg.MaxConcurrentRuns, SpreadFirstRuns: true,
		OnReport: func(r sched.Report) {
			if sc != nil {
				sc.observe(r)
			}
			mu.Lock()
			defer mu.Unlock()
			if !measuring {
				return
			}
			if r.Outcome.Error != "" {
				failed++
			}
			late = append(late, ms(r.Lateness()))
			toEnd = append(toEnd, ms(r.Outcome.End.Sub(r.Due)))
		},
	})
	if scrape > 0 {
		if sc, err = startScraper(s, jobNames(cfg), scrape); err != nil {
			return nil, err
		}
	}
	runtime.GC()
	rssBefore := rssBytes()
	if err := s.Start(ctx, service.Specs(cfg, nil)); err != nil {
		return nil, err
	}
	warm := min(cfg.Jobs[0].Interval.Duration(), 2*time.Second)
	time.Sleep(warm)
	mu.Lock()
	measuring = true
	mu.Unlock()
	start := time.Now()
	time.Sleep(window)
	mu.Lock()
	measuring = false
	got := append(stats(nil), late...)
	ends := append(stats(nil), toEnd...)
	mu.Unlock()

	elapsed := time.Since(start)
	rss := rssBytes()
	s.Stop(ctx)
	scrapes, err := sc.close()
	if err != nil {
		return nil, fmt.Errorf("scraping the metrics: %w", err)
	}
	if failed > 0 {
		return nil, fmt.Errorf("%d runs failed", failed)
	}
	if len(got) == 0 {
		return nil, fmt.Errorf("no run of %d jobs every %s finished in %s", n, interval, window)
	}
	slices.Sort(got)
	slices.Sort(ends)
	name := fmt.Sprintf("%d jobs every %s", n, interval)
	if sc != nil {
		name += fmt.Sprintf(", /metrics every %s", scrape)
	}
	rows := []Row{
		{Figure: name + ": runs per second", Median: float64(len(got)) / elapsed.Seconds(), Unit: "/s",
			Note: fmt.Sprintf("expected %.0f/s", float64(n)/cfg.Jobs[0].Interval.Duration().Seconds())},
		{Figure: "  start lateness, p50 (p99–max)", Median: got.median(), Low: got.quantile(0.99), High: got[len(got)-1], Unit: "ms"},
		{Figure: "  due time to end of run, p50 (p99–max)", Median: ends.median(), Low: ends.quantile(0.99), High: ends[len(ends)-1], Unit: "ms"},
	}
	if len(scrapes) > 0 {
		rows = append(rows, Row{Figure: "  one scrape of /metrics, p50 (p99–max)", Median: scrapes.median(),
			Low: scrapes.quantile(0.99), High: scrapes[len(scrapes)-1], Unit: "ms", Note: fmt.Sprintf("%d scrapes", len(scrapes))})
	}
	if n >= 10_000 {
		rows = append(rows, Row{Figure: "  host RSS with all jobs configured", Median: float64(rss) / (1 << 20), Unit: "MiB",
			Note: fmt.Sprintf("%.0f MiB before the jobs", float64(rssBefore)/(1<<20))})
	}
	return rows, nil
}
