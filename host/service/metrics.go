package service

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/metrics"
	"github.com/jobbox/jobbox/host/modules"
	"github.com/jobbox/jobbox/host/sandbox"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/store"
)

// The metrics are fed from outside the run path: the scheduler's report of
// each finished run (observe), wrappers of the store and of the modules
// the service hands the scheduler, and, at each scrape, the schedule and
// the engine.

// newMetrics makes the service's metrics. The source reads s's scheduler
// and engine at each scrape, which Start sets before it serves one.
func (s *Service) newMetrics(cfg *config.Config) *metrics.Metrics {
	m := metrics.New(metrics.Options{
		MaxJobLabels: cfg.Metrics.MaxJobLabels,
		Modules:      []string{abi.FuncData, abi.FuncNetwork, abi.FuncEmail, abi.FuncMySQL},
		Source:       metrics.Source{Jobs: s.metricJobs, Instances: func() (int, int) { return s.engine.Instances() }},
	})
	m.SetJobs(JobNames(cfg))
	return m
}

// MetricsHandler serves the service's Prometheus metrics, for a listener
// that mounts it at /metrics.
func (s *Service) MetricsHandler() http.Handler { return s.metrics.Handler() }

// MetricsAddr is the address of the [metrics] listener, or "" when there is
// none.
func (s *Service) MetricsAddr() string {
	if s.metricsLn == nil {
		return ""
	}
	return s.metricsLn.Addr().String()
}

// metricJobs is the metrics' census of the schedule (metrics.Source.Jobs).
func (s *Service) metricJobs(named []string) (map[string]int, []metrics.Job) {
	counts, views := s.sched.Census(named)
	return MetricJobs(counts, views)
}

// MetricJobs converts the scheduler's census for the metrics.
func MetricJobs(counts map[sched.State]int, views []sched.JobView) (map[string]int, []metrics.Job) {
	byState := make(map[string]int, len(counts))
	for st, n := range counts {
		byState[string(st)] = n
	}
	jobs := make([]metrics.Job, len(views))
	for i, v := range views {
		jobs[i] = metrics.Job{Name: v.Name, State: string(v.State), Next: v.NextRun, Last: v.LastRun}
	}
	return byState, jobs
}

// JobNames returns the configured jobs' names, in config order: the order
// in which the metrics give jobs series of their own (metrics.SetJobs).
func JobNames(cfg *config.Config) []string {
	names := make([]string, len(cfg.Jobs))
	for i, j := range cfg.Jobs {
		names[i] = j.Name
	}
	return names
}

// observe counts a finished run.
func (s *Service) observe(r sched.Report) { s.metrics.ObserveRun(MetricRun(r)) }

// MetricRun is a finished run as the metrics count it.
func MetricRun(r sched.Report) metrics.Run {
	run := metrics.Run{
		Job: r.Job, Outcome: r.Outcome.Status.String(), Duration: r.Outcome.Duration(),
		Lateness: r.Lateness(), Memory: r.Outcome.Memory,
	}
	switch {
	case r.State == sched.Exited:
		run.Deactivated = store.ReasonExit
	case r.State == sched.Deactivated && r.Outcome.Status == abi.StatusError:
		// Not a run an operator's deactivation ended: that one counted
		// as "admin" when it was asked for.
		run.Deactivated = store.ReasonError
	}
	return run
}

// serveMetrics serves /metrics on [metrics] listen, when it is set.
func (s *Service) serveMetrics() error {
	addr := s.cfg.Metrics.Listen
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening for Prometheus on %s ([metrics] listen in %s): %w", addr, s.cfg.Path, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.Handler())
	s.metricsLn = ln
	s.metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() { _ = s.metricsSrv.Serve(ln) }()
	s.log.Info().Str("listen", ln.Addr().String()).Msg("serving Prometheus metrics at /metrics")
	return nil
}

// warnMetricsChange logs that a reload leaves [metrics] as it was at the
// start: the listener and the label bound are read once.
func (s *Service) warnMetricsChange(cfg *config.Config) {
	if cfg.Metrics != s.cfg.Metrics {
		s.log.Warn().Msg("[metrics] changed; it takes effect at the next restart")
	}
}

// specs are the scheduler's specs of cfg, their module calls counted.
func (s *Service) specs(cfg *config.Config, mods *modules.Host) []sched.Spec {
	specs := Specs(cfg, mods)
	for i := range specs {
		if specs[i].Modules != nil {
			specs[i].Modules = countedModules{Modules: specs[i].Modules, m: s.metrics}
		}
	}
	return specs
}

// countedModules counts a job's module calls, and those refused for want
// of a grant, on their way to the modules: nothing is counted in the
// sandbox.
type countedModules struct {
	sandbox.Modules
	m *metrics.Metrics
}

func (c countedModules) Open() sandbox.ModuleRun {
	return countedRun{ModuleRun: c.Modules.Open(), m: c.m}
}

type countedRun struct {
	sandbox.ModuleRun
	m *metrics.Metrics
}

func (c countedRun) Call(ctx context.Context, module, method string, args []any) ([]any, error) {
	res, err := c.ModuleRun.Call(ctx, module, method, args)
	c.m.ModuleCall(module, errors.Is(err, sandbox.ErrNotGranted))
	return res, err
}

// timedStore times the scheduler's writes to the store.
type timedStore struct {
	store.Store
	m *metrics.Metrics
}

func (t timedStore) RecordRun(ctx context.Context, st store.JobState, run store.Run, keep int) error {
	start := time.Now()
	err := t.Store.RecordRun(ctx, st, run, keep)
	t.m.StoreWrite("record_run", time.Since(start))
	return err
}

func (t timedStore) SaveJob(ctx context.Context, st store.JobState) error {
	start := time.Now()
	err := t.Store.SaveJob(ctx, st)
	t.m.StoreWrite("save_job", time.Since(start))
	return err
}
