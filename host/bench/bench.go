// Package bench measures what jobbox costs: the cases `jobbox bench` prints
// as one table, and the go test benchmarks of this package run one by one.
// Every comparison in a case (sandboxed against native, metered against
// unmetered) is measured in the same process, in the same run.
package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/sandbox"
)

// Row is one line of the table: a median and its spread.
type Row struct {
	Case   string
	Figure string
	Median float64
	Low    float64 // the spread: min and max, or p99 where the row says so
	High   float64
	Unit   string
	Note   string
}

// Options size the suite.
type Options struct {
	Runs  int           // samples per timed figure
	Scale time.Duration // how long each scheduler scenario runs
	// JobsDir holds the shipped example jobs (hello-go.wasm for the Go
	// guest case); the case is skipped when it is missing.
	JobsDir string
	Quick   bool // smaller scheduler scenarios, for tests
	// Loads replaces the scheduler case's scenarios when set.
	Loads []Load
	// CorpusDir holds the hostile corpus (LoadCorpus); "tests" if empty.
	CorpusDir string
	// Subscribers attaches that many event-stream clients to the
	// scheduler scenarios: HTTP clients of GET /v1/events, served by the
	// admin API's own handler on loopback, each reading every run's start
	// and end (subscribers.go).
	Subscribers int
	// Scrape, when set, has the scheduler case feed the service's metrics
	// from its reports and scrape /metrics that often (scrape.go).
	Scrape time.Duration
	// Alternate, when set, connects the stream clients and the scraper
	// for spells this long, every other spell, and compares the lateness
	// of the runs due in the two kinds of spell, in the same scenario.
	// Without clients or a scrape it measures the comparison's noise.
	Alternate time.Duration
	// Settle, with Alternate, also compares only the runs due after the
	// first Settle of each spell: the clients connect as a watched spell
	// begins and disconnect as the next begins, and the scraper's first
	// scrape in a spell waits for Settle. The runs after it are those
	// due while everything is connected, the state a dashboard lives in.
	Settle time.Duration
	// Ghost has the stream clients read streams of the service's size and
	// rhythm that the watcher process serves itself, not the service's:
	// what hosting the clients costs the machine, apart from what serving
	// them costs the service (ghost.go).
	Ghost bool
	// IdleWatchers runs the watcher process at the idle CPU priority
	// (Linux's SCHED_IDLE): its clients and scraper take only the CPU the
	// service leaves, as browsers and Prometheus on other machines do, and
	// the figures are the service's cost of serving them. Without it they
	// compete with the service as clients on its own machine would.
	IdleWatchers bool
	// Watcher starts the process that runs the stream clients and the
	// scrapes (Watch): `jobbox bench-watch` for the jobbox command. Only
	// Subscribers and Scrape need it.
	Watcher []string
}

func (o Options) corpusDir() string {
	if o.CorpusDir == "" {
		return "tests"
	}
	return o.CorpusDir
}

// Load is one scheduler scenario: Jobs jobs, each every Interval.
type Load struct {
	Jobs     int
	Interval time.Duration
}

// ParseLoads reads scheduler scenarios written as "1500/1s,100000/10m".
func ParseLoads(s string) ([]Load, error) {
	var loads []Load
	for _, part := range strings.Split(s, ",") {
		jobs, interval, ok := strings.Cut(strings.TrimSpace(part), "/")
		n, err := strconv.Atoi(jobs)
		if !ok || err != nil || n < 1 {
			return nil, fmt.Errorf("scenario %q: want a job count and an interval, like 1500/1s", part)
		}
		d, err := time.ParseDuration(interval)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("scenario %q: %q is not an interval, like 1s or 10m", part, interval)
		}
		loads = append(loads, Load{Jobs: n, Interval: d})
	}
	return loads, nil
}

// Case is one numbered case of the suite.
type Case struct {
	Name string
	run  func(v *env, o Options) ([]Row, error)
}

// Run runs the case in a temporary directory of its own.
func (c Case) Run(ctx context.Context, o Options) ([]Row, error) {
	v, err := newEnv(ctx)
	defer v.close()
	if err != nil {
		return nil, err
	}
	return c.run(v, o)
}

// Cases returns the suite, in the order of the table.
func Cases() []Case {
	return []Case{
		{"1 trivial Lua run", trivialLuaRun},
		{"2 trivial Go guest run", trivialGoGuest},
		{"3 Lua CPU, fib(25)", luaFib},
		{"4 host call round trip", hostCalls},
		{"5 Lua guest compile", compile},
		{"6 memory", memory},
		{"7 scheduler", scheduler},
		{"8 hostile corpus", hostile},
	}
}

// RunCases runs cases and writes the table to w as it goes.
func RunCases(ctx context.Context, cases []Case, o Options, w io.Writer) error {
	fmt.Fprintf(w, "%-28s %-46s %12s  %-26s %s\n", "case", "figure", "median", "spread", "")
	for _, c := range cases {
		rows, err := c.Run(ctx, o)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		for _, r := range rows {
			fmt.Fprintln(w, formatRow(c.Name, r))
		}
	}
	return nil
}

func formatRow(name string, r Row) string {
	spread := ""
	if r.Low != 0 || r.High != 0 {
		spread = fmt.Sprintf("%s–%s %s", num(r.Low), num(r.High), r.Unit)
	}
	return strings.TrimRight(fmt.Sprintf("%-28s %-46s %12s  %-26s %s", name, r.Figure, num(r.Median)+" "+r.Unit, spread, r.Note), " ")
}

func num(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	case v >= 1:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.3f", v)
}

// stats is a sorted sample.
type stats []float64

func sample(n int, f func() (float64, error)) (stats, error) {
	s := make(stats, 0, n)
	for range n {
		v, err := f()
		if err != nil {
			return nil, err
		}
		s = append(s, v)
	}
	slices.Sort(s)
	return s, nil
}

func (s stats) quantile(q float64) float64 {
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func (s stats) median() float64 { return s.quantile(0.5) }

// row reports s (milliseconds, say) with its min–max spread.
func (s stats) row(figure, unit string) Row {
	return Row{Figure: figure, Median: s.median(), Low: s[0], High: s[len(s)-1], Unit: unit}
}

// lateness reports s, in milliseconds, as p50 with its p99–max tail: the
// rows of lateness and of scrapes.
func (s stats) lateness(figure string) Row {
	return Row{Figure: figure, Median: s.median(), Low: s.quantile(0.99), High: s[len(s)-1], Unit: "ms"}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// timed returns how long f took, in milliseconds.
func timed(f func() error) (float64, error) {
	start := time.Now()
	err := f()
	return ms(time.Since(start)), err
}

// rssBytes is the process's resident memory now.
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, resident int64
	fmt.Sscan(string(b), &size, &resident)
	return resident * int64(os.Getpagesize())
}

const trivialLua = "local job = core.job()\nfunction job.run()\n  return job.OK\nend\nreturn job\n"

const fibLua = `local job = core.job()
local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end
function job.run()
  if fib(25) ~= 75025 then return job.ERROR end
  return job.OK
end
return job
`

// writeJob writes a Lua job into the env's directory.
func (v *env) writeJob(name, src string) (sandbox.Job, error) {
	path := filepath.Join(v.dir, name)
	return sandbox.Job{Name: strings.TrimSuffix(name, ".lua"), File: path}, os.WriteFile(path, []byte(src), 0o644)
}

// runOK runs job and fails unless it returns OK.
func runOK(ctx context.Context, e sandbox.Runner, job sandbox.Job) error {
	if out := e.Run(ctx, job); out.Status != abi.StatusOK {
		return fmt.Errorf("job %s: %v %s", job.Name, out.Status, out.Error)
	}
	return nil
}

// env is what a case starts from: a temporary directory, and the engines
// it starts there; close releases them all.
type env struct {
	ctx     context.Context
	dir     string
	engines []*sandbox.Engine
}

func newEnv(ctx context.Context) (*env, error) {
	dir, err := os.MkdirTemp("", "jobbox-bench-")
	return &env{ctx: ctx, dir: dir}, err
}

func (v *env) engine(opts sandbox.Options) (*sandbox.Engine, error) {
	if opts.CacheDir == "" {
		// Cases time runs, not compiles (case 5 brings its own cache).
		opts.CacheDir = filepath.Join(os.TempDir(), "jobbox-bench-cache")
	}
	e, err := sandbox.New(v.ctx, opts)
	if err == nil {
		v.engines = append(v.engines, e)
	}
	return e, err
}

func (v *env) close() {
	for _, e := range v.engines {
		_ = e.Close(context.WithoutCancel(v.ctx))
	}
	_ = os.RemoveAll(v.dir)
}

// settle gives the engine's pools time to refill between paced runs, as
// runs due apart would find them.
const settle = 5 * time.Millisecond
