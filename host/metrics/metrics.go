// Package metrics keeps jobbox's Prometheus metrics and serves them in the
// exposition format at /metrics (docs/metrics.md lists every metric).
//
// It uses github.com/prometheus/client_golang, whose types stay inside: the
// service feeds it through plain methods (ObserveRun once per finished run,
// from the scheduler's report; StoreWrite, ModuleCall, Deactivated) and a
// Source of funcs read at each scrape (the jobs' states and times, the
// sandbox's instances), so no counter sits in the sandbox's hot path.
//
// Job names are the operator's, so the series per job are bounded: the
// first MaxJobLabels configured jobs, in config order, get series of their
// own, and the others share the job label "_other" (see labels.go).
package metrics

import (
	"net/http"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Options configure the metrics.
type Options struct {
	// MaxJobLabels is how many jobs get series of their own; the others
	// share the job label "_other". Zero puts every job under "_other".
	MaxJobLabels int
	// Modules are the core modules whose calls are counted, so their
	// series read 0 before the first call.
	Modules []string
	// Source is read at each scrape.
	Source Source
}

// Source is what a scrape reads from the running service. A nil field is
// left out of the output.
type Source struct {
	// Jobs counts the configured jobs by state and returns those of named
	// (the jobs with series of their own) that are configured. A scrape
	// asks for at most MaxJobLabels jobs, however many are configured.
	Jobs func(named []string) (byState map[string]int, jobs []Job)
	// Instances counts the sandbox's instances: live ones (in runs, ready
	// in pools, being reset) and the pooled ones among them (ready).
	Instances func() (live, pooled int)
}

// Job is one configured job as a scrape sees it.
type Job struct {
	Name  string
	State string    // as `jobbox jobs` shows it: waiting, running, ...
	Next  time.Time // its next run; zero when none is scheduled
	Last  time.Time // when its last run started; zero when it never ran
}

// Run is a finished run, as the metrics count it.
type Run struct {
	Job      string
	Outcome  string        // OK, SLEEP, STOP, EXIT or ERROR
	Duration time.Duration // start to end of the run
	Lateness time.Duration // start of the run minus its due time
	Memory   uint64        // the guest's linear memory at the end, in bytes
	// Deactivated is why the run deactivated its job ("error", "exit"), or
	// empty when it did not.
	Deactivated string
}

// Metrics holds every metric of a service. Its methods are safe for
// concurrent use.
type Metrics struct {
	reg      *prometheus.Registry
	source   Source
	jobs     *jobTable
	inflight chan struct{} // a slot per scrape in flight

	duration      [len(outcomes)]prometheus.Observer
	lateness      prometheus.Histogram
	memory        prometheus.Histogram
	deactivations map[string]prometheus.Counter
	moduleCalls   map[string]prometheus.Counter
	denied        map[string]prometheus.Counter
	storeWrites   map[string]prometheus.Observer
}

// New returns the metrics of one service.
func New(opts Options) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), source: opts.Source, jobs: newJobTable(opts.MaxJobLabels),
		inflight: make(chan struct{}, maxScrapesInFlight)}
	durations := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "jobbox_run_duration_seconds",
		Help:    "How long runs took, start to end, by outcome.",
		Buckets: durationBuckets,
	}, []string{"outcome"})
	for i, o := range outcomes {
		m.duration[i] = durations.WithLabelValues(o)
	}
	m.lateness = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "jobbox_run_start_lateness_seconds",
		Help:    "How long after its due time each run started.",
		Buckets: latenessBuckets,
	})
	m.memory = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "jobbox_run_guest_memory_bytes",
		Help:    "The guest's linear memory when each run ended (wasm memory never shrinks: the run's peak).",
		Buckets: memoryBuckets,
	})
	writes := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "jobbox_store_write_seconds",
		Help:    "How long the state store took to write, by operation (record_run, save_job).",
		Buckets: storeBuckets,
	}, []string{"op"})
	m.storeWrites = fixedLabels(writes.WithLabelValues, storeOps)
	deact := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "jobbox_deactivations_total",
		Help: "Jobs deactivated, by reason: error (a run failed), exit (job.EXIT), admin (jobbox deactivate).",
	}, []string{"reason"})
	m.deactivations = fixedLabels(deact.WithLabelValues, reasons)
	calls := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "jobbox_module_calls_total",
		Help: "Host calls to the core modules, by module (denied ones included).",
	}, []string{"module"})
	m.moduleCalls = fixedLabels(calls.WithLabelValues, opts.Modules)
	denied := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "jobbox_grants_denied_total",
		Help: "Core module calls refused because config.toml does not grant them to the job, by module.",
	}, []string{"module"})
	m.denied = fixedLabels(denied.WithLabelValues, opts.Modules)

	m.reg.MustRegister(durations, m.lateness, m.memory, writes, deact, calls, denied, buildInfo(),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus's text exposition format, at
// whatever path it is mounted (see ServeHTTP).
func (m *Metrics) Handler() http.Handler { return m }

// fixedLabels makes the series of a vector (with is its WithLabelValues)
// for each of values and "other", so each reads 0 before its first count,
// and returns them by value. Values outside the list count under "other",
// so no caller can grow the series.
func fixedLabels[T any](with func(...string) T, values []string) map[string]T {
	out := make(map[string]T, len(values)+1)
	for _, v := range slices.Concat(values, []string{other}) {
		out[v] = with(v)
	}
	return out
}

// other is the label value of what a fixed list does not name.
const other = "other"

// outcomes are the label values of run outcomes, in abi.Status's order of
// the names OK, SLEEP, STOP, EXIT, ERROR.
var outcomes = [...]string{"ok", "sleep", "stop", "exit", "error"}

// reasons are the deactivation reasons (store.Reason*), storeOps the
// store's writes.
var (
	reasons  = []string{"error", "exit", "admin"}
	storeOps = []string{"record_run", "save_job"}
)

// Buckets, in seconds or bytes. Lateness resolves tens of microseconds: the
// scheduler starts runs within a fraction of a millisecond of their due
// time, and a regression there shows first in the lowest buckets.
var (
	latenessBuckets = []float64{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
		0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}
	durationBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
		0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600}
	storeBuckets = []float64{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
		0.1, 0.25, 0.5, 1, 2.5, 5}
	memoryBuckets = []float64{1 << 16, 1 << 18, 1 << 20, 1 << 22, 1 << 24, 1 << 26, 1 << 28, 1 << 30, 1 << 32}
)
