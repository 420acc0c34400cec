package metrics

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// OverflowJob is the job label of the jobs past MaxJobLabels. A job name
// starts with a letter or digit (config.jobName), so no job is called so.
const OverflowJob = "_other"

// jobRuns are one job label's run counts, by outcome index. They are
// plain atomics, not client_golang counters: a scrape renders them itself
// (see handler.go).
type jobRuns struct {
	name string
	runs [len(outcomes)]atomic.Uint64
}

// jobTable bounds the job label. Job names are the operator's, and a
// config may hold 100,000 jobs: only the first max configured jobs, in
// config order, get series of their own; the others share OverflowJob. A
// job keeps its series while it stays configured, so its counters never
// jump from one label to another; a job a reload removes loses its series,
// and its place goes to the next job in config order at that reload.
type jobTable struct {
	max   int
	other *jobRuns

	mu     sync.RWMutex
	named  map[string]*jobRuns
	sorted []*jobRuns // named's values by name: a scrape's order
	names  []string   // their names, in the same order, for the census
}

func newJobTable(maxLabels int) *jobTable {
	return &jobTable{max: max(maxLabels, 0), other: &jobRuns{name: OverflowJob}, named: map[string]*jobRuns{}}
}

// runs returns the run counts job counts in.
func (t *jobTable) runs(job string) *jobRuns {
	t.mu.RLock()
	r := t.named[job]
	t.mu.RUnlock()
	if r == nil {
		return t.other
	}
	return r
}

// snapshot returns the jobs with series of their own and their names, by
// name. The slices are never changed afterwards: configure makes new ones.
func (t *jobTable) snapshot() ([]*jobRuns, []string) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.sorted, t.names
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
			delete(t.named, name)
		}
	}
	for _, n := range names {
		if len(t.named) >= t.max {
			break
		}
		if t.named[n] == nil {
			t.named[n] = &jobRuns{name: n}
		}
	}
	sorted := make([]*jobRuns, 0, len(t.named))
	for _, r := range t.named {
		sorted = append(sorted, r)
	}
	slices.SortFunc(sorted, func(a, b *jobRuns) int { return strings.Compare(a.name, b.name) })
	labelled := make([]string, len(sorted))
	for i, r := range sorted {
		labelled[i] = r.name
	}
	t.sorted, t.names = sorted, labelled
}

// SetJobs tells the metrics which jobs are configured, in config order, at
// the start and after each reload: the first MaxJobLabels get series of
// their own (see jobTable).
func (m *Metrics) SetJobs(names []string) { m.jobs.configure(names) }
