package metrics

import (
	"slices"
	"time"
)

// states are the job states (sched.State), reported even when no job is in
// them so a dashboard's sum never misses a series.
var states = []string{"waiting", "running", "sleeping", "stopped", "exited", "deactivated", "once-pending", "once-done"}

// The families a scrape renders itself, from the job table and one census
// of the Source: the per-job ones run to thousands of series, which
// client_golang's gather (a protobuf message per series, a consistency
// check, a sort) and encoding cost about 25 ms of CPU per scrape at 1,500
// jobs; written straight as text they cost well under one.
const (
	runsName     = "jobbox_runs_total"
	runsHelp     = `Finished runs, by job and outcome (ok, sleep, stop, exit, error). Jobs past [metrics] max_job_labels count under job="_other".`
	jobsName     = "jobbox_jobs"
	jobsHelp     = "Configured jobs, by state."
	nextName     = "jobbox_job_next_run_timestamp_seconds"
	nextHelp     = "When the job runs next (Unix time), for jobs with a run scheduled and a job label of their own."
	lastName     = "jobbox_job_last_run_timestamp_seconds"
	lastHelp     = "When the job's last run started (Unix time), for jobs that ran and have a job label of their own."
	overflowName = "jobbox_jobs_unlabelled"
	overflowHelp = `Configured jobs past [metrics] max_job_labels, whose runs count under job="_other".`
	liveName     = "jobbox_sandbox_instances_live"
	liveHelp     = "WebAssembly instances the sandbox holds: in runs, ready in pools, being reset."
	pooledName   = "jobbox_sandbox_instances_pooled"
	pooledHelp   = "WebAssembly instances ready in the sandbox's pools for the next runs."
)

// render appends the families of the job table and the source.
func (m *Metrics) render(w *textWriter) {
	named, names := m.jobs.snapshot()
	w.family(runsName, runsHelp, "counter")
	for _, r := range named {
		renderRuns(w, r)
	}
	renderRuns(w, m.jobs.other)
	if m.source.Jobs != nil {
		byState, jobs := m.source.Jobs(names)
		renderJobs(w, byState, jobs)
	}
	if m.source.Instances != nil {
		live, pooled := m.source.Instances()
		w.family(liveName, liveHelp, "gauge")
		w.sample(liveName, float64(live))
		w.family(pooledName, pooledHelp, "gauge")
		w.sample(pooledName, float64(pooled))
	}
}

// renderRuns appends one job label's run counts, by outcome.
func renderRuns(w *textWriter, r *jobRuns) {
	for i, o := range outcomes {
		w.sample(runsName, float64(r.runs[i].Load()), "job", r.name, "outcome", o)
	}
}

// renderJobs appends the jobs by state and the times of the jobs with
// series of their own.
func renderJobs(w *textWriter, byState map[string]int, jobs []Job) {
	total := 0
	w.family(jobsName, jobsHelp, "gauge")
	for _, s := range states {
		w.sample(jobsName, float64(byState[s]), "state", s)
	}
	for s, n := range byState {
		total += n
		if !slices.Contains(states, s) { // a state this list lacks, were one added
			w.sample(jobsName, float64(n), "state", s)
		}
	}
	w.family(overflowName, overflowHelp, "gauge")
	w.sample(overflowName, float64(total-len(jobs)))
	renderTimes(w, nextName, nextHelp, jobs, func(j Job) time.Time { return j.Next })
	renderTimes(w, lastName, lastHelp, jobs, func(j Job) time.Time { return j.Last })
}

// renderTimes appends the family name of the jobs' times that are set, or
// nothing when none is: a family is never written without a sample.
func renderTimes(w *textWriter, name, help string, jobs []Job, at func(Job) time.Time) {
	started := false
	for _, j := range jobs {
		if t := at(j); !t.IsZero() {
			if !started {
				w.family(name, help, "gauge")
				started = true
			}
			w.sample(name, unixSeconds(t), "job", j.Name)
		}
	}
}

// unixSeconds is t as Prometheus writes times: seconds since 1970.
func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
