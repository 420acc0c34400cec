package bench

import (
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/jobbox/jobbox/host/metrics"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/service"
)

// scraper feeds the service's metrics from the scheduler case's reports, as
// the service does, and scrapes them over loopback HTTP every period, as
// Prometheus would: what the metrics cost a busy schedule shows as the
// difference from the same scenario without them.
type scraper struct {
	m      *metrics.Metrics
	srv    *http.Server
	url    string
	stop   chan struct{}
	done   chan struct{}
	mu     sync.Mutex
	took   stats // each scrape's duration, in ms
	failed error
}

// startScraper serves the metrics of s, whose jobs are names, and scrapes
// them every period until stopped.
func startScraper(s *sched.Scheduler, names []string, period time.Duration) (*scraper, error) {
	m := metrics.New(metrics.Options{MaxJobLabels: 1000, Source: metrics.Source{
		Jobs: func(named []string) (map[string]int, []metrics.Job) { return service.MetricJobs(s.Census(named)) },
	}})
	m.SetJobs(names)
	srv, base, err := serveLoopback(m.Handler())
	if err != nil {
		return nil, err
	}
	sc := &scraper{m: m, srv: srv, url: base + "/metrics", stop: make(chan struct{}), done: make(chan struct{})}
	go sc.loop(period)
	return sc, nil
}

// observe counts a finished run, as the service's report does.
func (sc *scraper) observe(r sched.Report) {
	sc.m.ObserveRun(service.MetricRun(r))
}

func (sc *scraper) loop(period time.Duration) {
	defer close(sc.done)
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-sc.stop:
			return
		case <-tick.C:
		}
		start := time.Now()
		err := sc.scrape()
		sc.mu.Lock()
		sc.took = append(sc.took, ms(time.Since(start)))
		if err != nil && sc.failed == nil {
			sc.failed = err
		}
		sc.mu.Unlock()
	}
}

func (sc *scraper) scrape() error {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, sc.url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// close stops scraping and returns the scrapes' durations, sorted; none
// for a nil scraper.
func (sc *scraper) close() (stats, error) {
	if sc == nil {
		return nil, nil
	}
	close(sc.stop)
	<-sc.done
	_ = sc.srv.Close()
	sc.mu.Lock()
	defer sc.mu.Unlock()
	took := slices.Clone(sc.took)
	slices.Sort(took)
	return took, sc.failed
}
