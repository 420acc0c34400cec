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
	// Runs returns a job's kept runs, newest first.
	Runs(ctx context.Context, name string) ([]Run, error)
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
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	DurationS float64   `json:"duration_s"`
	Status    string    `json:"status"`
	Error     string    `json:"error,omitempty"`
	Logs      []string  `json:"logs,omitempty"`
}
