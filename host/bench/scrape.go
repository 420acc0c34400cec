package bench

import (
	"net/http"

	"github.com/jobbox/jobbox/host/metrics"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/service"
)

// metricsServer feeds the service's metrics from the scheduler case's
// reports, as the service does, and serves them at GET /metrics on a
// loopback listener for the watcher to scrape: what the metrics cost a
// busy schedule shows as the difference from the same scenario without
// them.
type metricsServer struct {
	m   *metrics.Metrics
	srv *http.Server
	url string
}

// serveMetrics serves the metrics of s, whose jobs are names.
func serveMetrics(s *sched.Scheduler, names []string) (*metricsServer, error) {
	m := metrics.New(metrics.Options{MaxJobLabels: 1000, Source: metrics.Source{
		Jobs: func(named []string) (map[string]int, []metrics.Job) { return service.MetricJobs(s.Census(named)) },
	}})
	m.SetJobs(names)
	srv, base, err := serveLoopback(m.Handler())
	if err != nil {
		return nil, err
	}
	return &metricsServer{m: m, srv: srv, url: base + "/metrics"}, nil
}

// observe counts a finished run, as the service's report does.
func (ms *metricsServer) observe(r sched.Report) {
	ms.m.ObserveRun(service.MetricRun(r))
}

// close stops serving; nothing for a nil server.
func (ms *metricsServer) close() {
	if ms != nil {
		_ = ms.srv.Close()
	}
}
