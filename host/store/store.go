// Package store keeps what must survive a restart: each job's state
// (deactivation and its error, last status and run, SLEEP wake-up time, run
// count) and a bounded history of its runs. Store is the interface the
// service uses; Bolt is the embedded implementation. A shared SQL store for
// clusters implements the same interface.
package store

import (
	"context"
	"errors"
	"time"
)

// Deactivation reasons: why a job stopped running until re-activated.
const (
	ReasonExit  = "exit"  // the job returned job.EXIT or job.CANCEL
	ReasonError = "error" // a run failed
	ReasonAdmin = "admin" // an operator ran `jobbox deactivate`
)

// JobState is what the store keeps about one job.
type JobState struct {
	Name string `json:"name"`
	// Deactivated jobs do not run until re-activated and reloaded.
	Deactivated bool   `json:"deactivated,omitempty"`
	Reason      string `json:"reason,omitempty"` // one of the Reason constants
	LastError   string `json:"last_error,omitempty"`
	LastStatus  string `json:"last_status,omitempty"`
	// LastRun is when the last run started; LastDuration how long it took.
	LastRun      time.Time     `json:"last_run,omitzero"`
	LastDuration time.Duration `json:"last_duration,omitempty"`
	// SleepUntil is when a job that returned job.SLEEP runs again.
	SleepUntil time.Time `json:"sleep_until,omitzero"`
	Runs       int64     `json:"runs,omitempty"`
}

// Run is one entry of a job's history. Records written before Due,
// Trigger and Actor existed read with them empty: a scheduled run whose
// lateness is unknown.
type Run struct {
	// ID orders a job's runs, newest highest; it is a page's cursor.
	ID     uint64    `json:"id,omitempty"`
	Job    string    `json:"job"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Status string    `json:"status"`
	Error  string    `json:"error,omitempty"`
	Logs   []string  `json:"logs,omitempty"`
	// Due is when the run was due, or asked for when manual.
	Due     time.Time `json:"due,omitzero"`
	Trigger string    `json:"trigger,omitempty"` // a domain.Trigger; empty means schedule
	Actor   string    `json:"actor,omitempty"`   // who asked for a manual run
	From    string    `json:"from,omitempty"`    // where the actor asked from
}

// Duration is how long the run took.
func (r Run) Duration() time.Duration { return r.End.Sub(r.Start) }

// Lateness is how long after its due time the run started; zero when the
// due time is unknown (records older than Due).
func (r Run) Lateness() time.Duration {
	if r.Due.IsZero() {
		return 0
	}
	return r.Start.Sub(r.Due)
}

// TriggerName is the run's trigger, schedule for records older than
// Trigger.
func (r Run) TriggerName() string {
	if r.Trigger == "" {
		return triggerSchedule
	}
	return r.Trigger
}

// triggerSchedule is domain.TriggerSchedule, which store does not import.
const triggerSchedule = "schedule"

// Page asks for up to Limit records older than Before, newest first.
// Before is the ID of the last record of the previous page, or 0 for the
// newest records. A Limit of 0 or less takes DefaultPageLimit.
type Page struct {
	Before uint64
	Limit  int
}

// DefaultPageLimit is a page's size when a Page does not set one, and
// MaxPageLimit its largest.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 1000
)

func (p Page) limit() int {
	if p.Limit <= 0 {
		return DefaultPageLimit
	}
	return min(p.Limit, MaxPageLimit)
}

// RunPages reads a job's history a page at a time. next is the Before of
// the following page, 0 when this page is the last.
type RunPages interface {
	Runs(ctx context.Context, job string, page Page) (runs []Run, next uint64, err error)
}

// AuditEntry is one action of the audit log.
type AuditEntry struct {
	ID     uint64    `json:"id,omitempty"`
	Time   time.Time `json:"time"`
	Actor  string    `json:"actor"`
	From   string    `json:"from,omitempty"`
	Action string    `json:"action"` // activate, deactivate, run-now, reload, ...
	Job    string    `json:"job,omitempty"`
	Before string    `json:"before,omitempty"` // a summary of what stood before
	After  string    `json:"after,omitempty"`  // and after
	Error  string    `json:"error,omitempty"`  // why the action failed, if it did
}

// AuditLog keeps the audit log, oldest entries dropped past keep (0 keeps
// every entry).
type AuditLog interface {
	AppendAudit(ctx context.Context, e AuditEntry, keep int) (uint64, error)
	Audit(ctx context.Context, page Page) (entries []AuditEntry, next uint64, err error)
}

// Store persists job state and run history. Implementations are safe for
// concurrent use.
type Store interface {
	// Jobs returns the state of every job the store knows, by name.
	Jobs(ctx context.Context) (map[string]JobState, error)
	// SaveJob replaces a job's state.
	SaveJob(ctx context.Context, state JobState) error
	// RecordRun stores a finished run and the job state it led to, at once,
	// keeping at most keep runs of that job's history.
	RecordRun(ctx context.Context, state JobState, run Run, keep int) error
	// History returns up to limit of a job's latest runs, newest first.
	History(ctx context.Context, job string, limit int) ([]Run, error)
	Close() error
}

// ErrLocked means another process holds the store.
var ErrLocked = errors.New("the state store is in use by another process")
