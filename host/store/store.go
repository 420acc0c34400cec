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

// Run is one entry of a job's history.
type Run struct {
	Job    string    `json:"job"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Status string    `json:"status"`
	Error  string    `json:"error,omitempty"`
	Logs   []string  `json:"logs,omitempty"`
}

// Duration is how long the run took.
func (r Run) Duration() time.Duration { return r.End.Sub(r.Start) }

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
