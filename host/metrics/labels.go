package metrics

import (
	"maps"
	"slices"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// OverflowJob is the job label of the jobs past MaxJobLabels. A job name
// starts with a letter or digit (config.jobName), so no job is called so.
const OverflowJob = "_other"

// jobRuns are one job label's run counters, by outcome index.
type jobRuns = [len(outcomes)]prometheus.Counter

// jobTable bounds the job label. Job names are the operator's, and a
// config may hold 100,000 jobs: only the first max configured jobs, in
// config order, get series of their own; the others share OverflowJob. A
// job keeps its series while it stays configured, so its counters never
// jump from one label to another; a job a reload removes loses its series,
// and its place goes to the next job in config order at that reload.
type jobTable struct {
	vec   *prometheus.CounterVec
	max   int
	other *jobRuns

	mu    sync.RWMutex
	named map[string]*jobRuns
}

func newJobTable(vec *prometheus.CounterVec, maxLabels int) *jobTable {
	t := &jobTable{vec: vec, max: max(maxLabels, 0), named: map[string]*jobRuns{}}
	t.other = t.series(OverflowJob)
	return t
}

// series makes the run counters of label, each at 0 until counted.
func (t *jobTable) series(label string) *jobRuns {
	var r jobRuns
	for i, o := range outcomes {
		r[i] = t.vec.WithLabelValues(label, o)
	}
	return &r
}

// runs returns the run counters job counts in.
func (t *jobTable) runs(job string) *jobRuns {
	t.mu.RLock()
	r := t.named[job]
	t.mu.RUnlock()
	if r == nil {
		return t.other
	}
	return r
}

// names returns the jobs with series of their own, in no order.
func (t *jobTable) names() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return slices.Collect(maps.Keys(t.named))
}

// configure takes the names of the jobs configured now, in config order:
// it drops the series of jobs no longer configured and gives the free
// places to jobs without series of their own, in that order.
func (t *jobTable) configure(names []string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	keep := make(map[string]bool, len(names))
	for _, n := range names {
		keep[n] = true
	}
	for name := range t.named {
		if !keep[name] {
			for _, o := range outcomes {
				t.vec.DeleteLabelValues(name, o)
			}
			delete(t.named, name)
		}
	}
	for _, n := range names {
		if len(t.named) >= t.max {
			break
		}
		if t.named[n] == nil {
			t.named[n] = t.series(n)
		}
	}
}

// SetJobs tells the metrics which jobs are configured, in config order, at
// the start and after each reload: the first MaxJobLabels get series of
// their own (see jobTable).
func (m *Metrics) SetJobs(names []string) { m.jobs.configure(names) }
