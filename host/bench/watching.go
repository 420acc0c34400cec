package bench

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jobbox/jobbox/host/sched"
)

// watching is what watches a scheduler scenario: its event bus, served to
// o.Subscribers stream clients, and with o.Scrape its metrics, scraped
// that often, the clients and the scraper in a watcher process.
type watching struct {
	o       Options
	alt     alternation // with o.Alternate
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

// start serves the metrics of s, whose jobs are names, running rate
// times a second in all, and starts the watcher process: call it before s
// starts.
func (w *watching) start(s *sched.Scheduler, names []string, rate float64) error {
	spec := watchSpec{Events: w.streams.url, Clients: w.o.Subscribers, Every: w.o.Scrape, Settle: w.o.Settle, Idle: w.o.IdleWatchers}
	if w.o.Ghost {
		spec.Ghost = rate
	}
	if w.o.Alternate > 0 {
		// The first spell begins once the watcher has had time to start,
		// at a random phase: anything periodic that the scenario's start
		// sets going (a ticker, the collector's rhythm) falls in either
		// kind of spell alike over many runs.
		phase := rand.N(2 * w.o.Alternate)
		w.alt = alternation{from: time.Now().Add(time.Second + phase), length: w.o.Alternate}
		spec.Alternate, spec.From = w.alt.length, w.alt.from
	}
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
	rows := []Row{{Figure: "  the watcher process's CPU", Median: res.CPU / 1000, Unit: "s",
		Note: "its clients and scrapes, start to end"}}
	if took := stats(res.Scrapes); len(took) > 0 {
		slices.Sort(took)
		row := took.lateness("  one scrape of /metrics, p50 (p99–max)")
		row.Note = fmt.Sprintf("%d scrapes, watcher process", len(took))
		rows = append(rows, row)
	}
	if len(res.Read) > 0 {
		read := make(stats, len(res.Read))
		for i, n := range res.Read {
			read[i] = float64(n)
		}
		slices.Sort(read)
		row := read.row("  run-end events each /v1/events client read", "events")
		row.Note = fmt.Sprintf("%d clients, watcher process, warm-up included", len(read))
		rows = append(rows, row)
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

// compare returns, with o.Alternate, the lateness of the runs due in
// watched spells and in the others, and their ratios; with o.Settle, the
// same again for the runs due once each spell's first Settle has passed.
func (w *watching) compare(runs []ranRun) []Row {
	if w.o.Alternate <= 0 {
		return nil
	}
	rows := w.compareAfter(runs, 0)
	if w.o.Settle > 0 {
		rows = append(rows, w.compareAfter(runs, w.o.Settle)...)
	}
	return rows
}

// compareAfter compares the runs due at least settle into their spell.
// A watched spell begins with its clients connecting and the next spell
// with them disconnecting, so leaving out each spell's first moments
// tells what connecting costs from what being connected costs.
func (w *watching) compareAfter(runs []ranRun, settle time.Duration) []Row {
	var on, off stats
	pairs := map[int]*[2]stats{} // by pair: its watched spell's runs, its other spell's
	for _, r := range runs {
		k, into := w.alt.spell(r.due)
		if k < 2 || into < settle {
			// The first pair of spells overlaps the schedule's first
			// seconds, when runs are still warming the caches: it
			// counts for neither kind, nor do a spell's first settle.
			continue
		}
		if pairs[k/2] == nil {
			pairs[k/2] = new([2]stats)
		}
		pairs[k/2][k%2] = append(pairs[k/2][k%2], r.late)
		if k%2 == 0 {
			on = append(on, r.late)
		} else {
			off = append(off, r.late)
		}
	}
	if len(on) == 0 || len(off) == 0 {
		return nil
	}
	slices.Sort(on)
	slices.Sort(off)
	kinds := "spells"
	if settle > 0 {
		kinds = fmt.Sprintf("spells after their first %s", settle)
	}
	row := func(figure string, s stats) Row {
		r := s.lateness(figure)
		r.Note = fmt.Sprintf("%d runs, spells of %s", len(s), w.o.Alternate)
		return r
	}
	rows := []Row{
		row("  start lateness, watched "+kinds+", p50 (p99–max)", on),
		row("  start lateness, other "+kinds+", p50 (p99–max)", off),
		{Figure: "  watched ÷ other " + kinds + ", p50 lateness", Median: on.median() / off.median(), Unit: "x",
			Note: fmt.Sprintf("p99 x%.2f", on.quantile(0.99)/off.quantile(0.99))},
	}
	return append(rows, pairedRatio(pairs, kinds, 0.5, 0.99)...)
}

// pairedRatio is, for each quantile q, the median over pairs of spells
// of (the watched spell's q-quantile of lateness ÷ the next spell's), with
// the middle half of the pairs' ratios as its spread: one row per q. A few
// seconds of another tenant's load move one pair's ratio, where in the
// pooled ratio they move the two kinds' quantiles by different amounts.
// At p99 more so: one stall of the machine makes a spell's worst hundred
// runs late together, and lands in one kind of spell or the other by
// chance.
func pairedRatio(pairs map[int]*[2]stats, kinds string, qs ...float64) []Row {
	ratios := make([]stats, len(qs))
	for _, p := range pairs {
		on, off := p[0], p[1]
		if len(on) == 0 || len(off) == 0 {
			continue
		}
		slices.Sort(on)
		slices.Sort(off)
		for i, q := range qs {
			ratios[i] = append(ratios[i], on.quantile(q)/off.quantile(q))
		}
	}
	var rows []Row
	for i, r := range ratios {
		if len(r) == 0 {
			return nil
		}
		slices.Sort(r)
		rows = append(rows, Row{Figure: fmt.Sprintf("  watched ÷ other %s, p%.0f lateness, median of pairs", kinds, 100*qs[i]), Unit: "x",
			Median: r.median(), Low: r.quantile(0.25), High: r.quantile(0.75),
			Note: fmt.Sprintf("%d pairs of spells; spread: middle half", len(r))})
	}
	return rows
}
