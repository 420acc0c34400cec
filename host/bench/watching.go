package bench

import (
	"fmt"
	"slices"

	"github.com/jobbox/jobbox/host/sched"
)

// watching is what watches a scheduler scenario: its event bus, served to
// o.Subscribers stream clients, and with o.Scrape its metrics, scraped
// that often, the clients and the scraper in a watcher process.
type watching struct {
	o       Options
	streams *eventStreams
	metrics *metricsServer // with o.Scrape
	proc    *watcher       // with clients or a scrape
}

// watch serves the scenario's bus when it has clients.
func watch(o Options) (*watching, error) {
	streams, err := serveEvents(o.Subscribers > 0)
	if err != nil {
		return nil, err
	}
	return &watching{o: o, streams: streams}, nil
}

// start serves the metrics of s, whose jobs are names, and starts the
// watcher process: call it before s starts.
func (w *watching) start(s *sched.Scheduler, names []string) error {
	spec := watchSpec{Events: w.streams.url, Clients: w.o.Subscribers, Every: w.o.Scrape}
	if w.o.Scrape > 0 {
		var err error
		if w.metrics, err = serveMetrics(s, names); err != nil {
			return err
		}
		spec.Metrics = w.metrics.url
	}
	if spec.Clients == 0 && spec.Metrics == "" {
		return nil
	}
	var err error
	w.proc, err = startWatcher(w.o.Watcher, spec)
	return err
}

// report counts a finished run in the metrics, as the service does.
func (w *watching) report(r sched.Report) {
	if w.metrics != nil {
		w.metrics.observe(r)
	}
}

// finish ends the streams, stops the watcher and returns its rows.
func (w *watching) finish() ([]Row, error) {
	defer w.close()
	w.streams.end()
	if w.proc == nil {
		return nil, nil
	}
	res, err := w.proc.finish()
	w.proc = nil
	if err != nil {
		return nil, err
	}
	var rows []Row
	if took := stats(res.Scrapes); len(took) > 0 {
		slices.Sort(took)
		rows = append(rows, Row{Figure: "  one scrape of /metrics, p50 (p99–max)", Median: took.median(),
			Low: took.quantile(0.99), High: took[len(took)-1], Unit: "ms", Note: fmt.Sprintf("%d scrapes, watcher process", len(took))})
	}
	if len(res.Read) > 0 {
		read := make(stats, len(res.Read))
		for i, n := range res.Read {
			read[i] = float64(n)
		}
		slices.Sort(read)
		rows = append(rows, Row{Figure: "  run-end events each /v1/events client read", Median: read.median(),
			Low: read[0], High: read[len(read)-1], Unit: "events", Note: fmt.Sprintf("%d clients, watcher process, warm-up included", len(read))})
	}
	return rows, nil
}

// close stops everything, on any path; finish has closed it already.
func (w *watching) close() {
	w.streams.close()
	if w.proc != nil {
		_, _ = w.proc.finish()
		w.proc = nil
	}
	w.metrics.close()
}
