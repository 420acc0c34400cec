package api

import (
	"context"
	"time"
)

// Service is what the admin API reads and changes of a running jobbox.
// host/service implements it; tests use a fake.
type Service interface {
	Status() Status
	// Ready returns why the service cannot take requests yet; nil if it can.
	Ready() error
	// JobNames returns every configured job's name, sorted. The slice is
	// shared, not to be changed: it is replaced on reload, not edited.
	JobNames() []string
	// Job returns one configured job without its Config, as the list
	// shows it; false if none has that name.
	Job(name string) (Job, bool)
	// JobConfig returns a job's configuration in force; false if none has
	// that name.
	JobConfig(name string) (*JobConfig, bool)
	// Runs returns a page of a job's kept runs, newest first.
	Runs(ctx context.Context, name string, page Page) (RunPage, error)
	// RunNow asks for a run of the job now, never overlapping one in
	// flight. Errors are *Error: 404 for an unknown job, 409 for one that
	// cannot run now.
	RunNow(ctx context.Context, name string) (ManualRun, error)
	// Audit returns a page of the audit log, newest first.
	Audit(ctx context.Context, page Page) (AuditPage, error)
	// Subscribe returns a feed of the service's events from now on.
	Subscribe() Subscription
	SetActive(ctx context.Context, name string, active bool) error
	// Reload re-reads the config; an invalid one is refused with its
	// errors and the running config stays.
	Reload(ctx context.Context) error
}

// Status is GET /v1/status.
type Status struct {
	Status     string    `json:"status"` // starting, running, reloading or stopping
	Version    string    `json:"version"`
	ABIVersion string    `json:"abi_version"`
	Started    time.Time `json:"started"`
	Config     string    `json:"config"`
	Jobs       int       `json:"jobs"`
}

// Job is one configured job with its state.
type Job struct {
	Name      string  `json:"name"`
	File      string  `json:"file"`
	IntervalS float64 `json:"interval_s"`
	RunOnce   bool    `json:"run_once"`
	State     string  `json:"state"`
	// Reason says why a deactivated job is: exit, error or admin.
	Reason     string     `json:"reason,omitempty"`
	LastStatus string     `json:"last_status,omitempty"`
	LastError  string     `json:"last_error,omitempty"`
	LastRun    *time.Time `json:"last_run,omitempty"`
	NextRun    *time.Time `json:"next_run,omitempty"`
	Runs       int64      `json:"runs"`
	// Config is the job's configuration as in force (limits resolved,
	// grants); only on GET /v1/jobs/{name}.
	Config *JobConfig `json:"config,omitempty"`
}

// JobConfig is a job's configuration in force.
type JobConfig struct {
	Active bool                `json:"active"`
	Limits map[string]any      `json:"limits"`
	Grants map[string][]string `json:"grants"`
}

// Run is one run of a job's history.
type Run struct {
	ID        uint64    `json:"id"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	DurationS float64   `json:"duration_s"`
	// Due is when the run was due, or asked for when manual; LatenessS is
	// how long after it the run started.
	Due       time.Time `json:"due,omitzero"`
	LatenessS float64   `json:"lateness_s"`
	Status    string    `json:"status"`
	Error     string    `json:"error,omitempty"`
	Logs      []string  `json:"logs,omitempty"`
	Trigger   string    `json:"trigger"`         // schedule, manual or reload
	Actor     string    `json:"actor,omitempty"` // who asked for a manual run
	From      string    `json:"from,omitempty"`  // and from where
}

// Page selects a page of a list kept newest first: Limit entries older
// than the ID Before (0 for the newest).
type Page struct {
	Before uint64
	Limit  int
}

// RunPage is GET /v1/jobs/{name}/runs: runs newest first.
type RunPage struct {
	Runs []Run `json:"runs"`
	// Next is the cursor of the following page (?before=); 0 on the last.
	Next uint64 `json:"next,omitempty"`
}

// ManualRun is POST /v1/jobs/{name}/run-now's answer.
type ManualRun struct {
	Job string    `json:"job"`
	Due time.Time `json:"due"`
	// Actor asked for the run (the first asker, if Duplicate).
	Actor string `json:"actor"`
	// AfterRunInFlight: the job was running; this run starts when that
	// one ends.
	AfterRunInFlight bool `json:"after_run_in_flight"`
	// Duplicate: a manual run was already pending; this is that one.
	Duplicate bool `json:"duplicate"`
}

// AuditEntry is one action someone took through the API or a signal.
type AuditEntry struct {
	ID     uint64    `json:"id"`
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor"`
	From   string    `json:"from,omitempty"`
	Action string    `json:"action"`
	Job    string    `json:"job,omitempty"`
	Before string    `json:"before,omitempty"`
	After  string    `json:"after,omitempty"`
	Error  string    `json:"error,omitempty"`
}

// AuditPage is GET /v1/audit: entries newest first.
type AuditPage struct {
	Entries []AuditEntry `json:"entries"`
	// Next is the cursor of the following page (?before=); 0 on the last.
	Next uint64 `json:"next,omitempty"`
}
