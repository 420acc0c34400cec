package domain

import (
	"context"
	"time"

	"github.com/jobbox/jobbox/abi"
)

// Runner runs one job once. The scheduler depends on this interface only,
// so the run path can change without touching it.
type Runner interface {
	Run(ctx context.Context, job Job) Outcome
}

// Outcome is the result of one run.
type Outcome struct {
	Status abi.Status
	Error  string // why the run failed; empty unless Status is StatusError
	Logs   []string
	Start  time.Time
	End    time.Time
	// Memory is the size of the instance's linear memory when the run
	// ended, in bytes.
	Memory uint64
}

// Duration is how long the run took.
func (o Outcome) Duration() time.Duration { return o.End.Sub(o.Start) }
