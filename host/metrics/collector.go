package metrics

import (
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// states are the job states (sched.State), reported even when no job is in
// them so a dashboard's sum never misses a series.
var states = []string{"waiting", "running", "sleeping", "stopped", "exited", "deactivated", "once-pending", "once-done"}

var (
	jobsDesc = prometheus.NewDesc("jobbox_jobs",
		"Configured jobs, by state.", []string{"state"}, nil)
	nextDesc = prometheus.NewDesc("jobbox_job_next_run_timestamp_seconds",
		"When the job runs next (Unix time), for jobs with a run scheduled and a job label of their own.", []string{"job"}, nil)
	lastDesc = prometheus.NewDesc("jobbox_job_last_run_timestamp_seconds",
		"When the job's last run started (Unix time), for jobs that ran and have a job label of their own.", []string{"job"}, nil)
	overflowDesc = prometheus.NewDesc("jobbox_jobs_unlabelled",
		`Configured jobs past [metrics] max_job_labels, whose runs count under job="_other".`, nil, nil)
	liveDesc = prometheus.NewDesc("jobbox_sandbox_instances_live",
		"WebAssembly instances the sandbox holds: in runs, ready in pools, being reset.", nil, nil)
	pooledDesc = prometheus.NewDesc("jobbox_sandbox_instances_pooled",
		"WebAssembly instances ready in the sandbox's pools for the next runs.", nil, nil)
)

// sourceCollector reads the service's state at each scrape, so nothing is
// counted on the way for it.
type sourceCollector struct {
	source Source
	jobs   *jobTable
}

func (c *sourceCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{jobsDesc, nextDesc, lastDesc, overflowDesc, liveDesc, pooledDesc} {
		ch <- d
	}
}

func (c *sourceCollector) Collect(ch chan<- prometheus.Metric) {
	if c.source.Jobs != nil {
		c.collectJobs(ch)
	}
	if c.source.Instances != nil {
		live, pooled := c.source.Instances()
		ch <- prometheus.MustNewConstMetric(liveDesc, prometheus.GaugeValue, float64(live))
		ch <- prometheus.MustNewConstMetric(pooledDesc, prometheus.GaugeValue, float64(pooled))
	}
}

// collectJobs sends the jobs by state and the times of the jobs with
// series of their own.
func (c *sourceCollector) collectJobs(ch chan<- prometheus.Metric) {
	byState, jobs := c.source.Jobs(c.jobs.names())
	total := 0
	for _, n := range byState {
		total += n
	}
	for _, s := range states {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(byState[s]), s)
	}
	for s, n := range byState {
		if !slices.Contains(states, s) { // a state this list lacks, were one added
			ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(n), s)
		}
	}
	ch <- prometheus.MustNewConstMetric(overflowDesc, prometheus.GaugeValue, float64(total-len(jobs)))
	for _, j := range jobs {
		if !j.Next.IsZero() {
			ch <- prometheus.MustNewConstMetric(nextDesc, prometheus.GaugeValue, unixSeconds(j.Next), j.Name)
		}
		if !j.Last.IsZero() {
			ch <- prometheus.MustNewConstMetric(lastDesc, prometheus.GaugeValue, unixSeconds(j.Last), j.Name)
		}
	}
}

// unixSeconds is t as Prometheus writes times: seconds since 1970.
func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
