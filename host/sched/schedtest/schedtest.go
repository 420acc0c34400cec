// Package schedtest holds what the scheduler's benchmarks share: a store
// and a runner that do nothing, so a benchmark measures the scheduler.
package schedtest

import (
	"context"

	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/store"
)

// NopStore keeps nothing.
type NopStore struct{}

func (NopStore) Jobs(context.Context) (map[string]store.JobState, error) {
	return map[string]store.JobState{}, nil
}
func (NopStore) SaveJob(context.Context, store.JobState) error                   { return nil }
func (NopStore) RecordRun(context.Context, store.JobState, store.Run, int) error { return nil }
func (NopStore) History(context.Context, string, int) ([]store.Run, error)       { return nil, nil }
func (NopStore) Close() error                                                    { return nil }

// NopRunner returns at once an empty Outcome, whose status is abi.Status's
// zero, ERROR: each job's run deactivates it, as with the scheduler's own
// due-burst benchmark runner.
type NopRunner struct{}

func (NopRunner) Run(context.Context, domain.Job) domain.Outcome { return domain.Outcome{} }
