package web

import (
	"context"
	"time"
)

// Backend is what the pages read. The service implements it through the
// same calls the admin API's handlers make, so a page never shows what the
// API would not; every change a page offers is a request to the API itself,
// made by the page's script with the visitor's session.
type Backend interface {
	// Status is the service header of every page.
	Status(ctx context.Context) (Status, error)
	// Jobs returns one page of the job list, sorted by name.
	Jobs(ctx context.Context, f JobFilter) (JobPage, error)
	// Job returns one job, and ErrNotFound for a name no job has.
	Job(ctx context.Context, name string) (JobDetail, error)
	// Runs returns one page of a job's runs, newest first.
	Runs(ctx context.Context, name string, page Page) (RunPage, error)
	// Audit returns one page of the audit log, newest first.
	Audit(ctx context.Context, page Page) (AuditPage, error)
}

// Status is the state of the service as its header shows it.
type Status struct {
	State   string         // "running", "reloading" or "stopping"
	Host    string         // the host's name
	Version string         // jobbox's version
	Started time.Time      // when the service started
	ByState map[string]int // how many jobs are in each state
}

// Page selects a page of a list: Limit items after the cursor an earlier
// page returned ("" for the first).
type Page struct {
	Cursor string
	Limit  int
}

// JobFilter selects the jobs of one page of the list.
type JobFilter struct {
	Page
	State string // only jobs in this state; "" for all
	Name  string // only jobs whose name contains this; "" for all
}

// JobPage is one page of the job list.
type JobPage struct {
	Jobs  []Job
	Total int    // jobs matching the filter, on every page; -1 if not counted
	Next  string // the cursor of the next page; "" on the last
}

// Job is one row of the job list.
type Job struct {
	Name       string
	File       string
	Interval   time.Duration
	RunOnce    bool
	Active     bool
	State      string // a sched state: waiting, running, sleeping, ...
	Reason     string // why a deactivated job is: exit, error, admin
	LastStatus string
	LastRun    time.Time
	NextRun    time.Time
	Runs       int64
}

// JobDetail is everything the job page shows.
type JobDetail struct {
	Job
	LastError string
	Grants    map[string][]string // module → what it may reach
	Limits    map[string]string   // limit → its value, as config.toml writes it
}

// Run is one run of a job's history.
type Run struct {
	Start, End time.Time
	Lateness   time.Duration // how long after its due time it started
	Status     string
	Error      string
	Trigger    string // "schedule", "manual" or "reload"
	Actor      string // who asked for a manual run
	Logs       []string
}

// RunPage is one page of a job's runs.
type RunPage struct {
	Runs []Run
	Next string
}

// AuditEntry is one change someone made.
type AuditEntry struct {
	Time   time.Time
	Actor  string // the user or token
	From   string // the address the request came from
	Action string // what was done, e.g. "job.update"
	Target string // what it was done to, e.g. a job's name
	Change string // a before/after summary
}

// AuditPage is one page of the audit log.
type AuditPage struct {
	Entries []AuditEntry
	Next    string
}
