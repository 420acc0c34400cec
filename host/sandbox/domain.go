package sandbox

import (
	"context"

	"github.com/jobbox/jobbox/host/domain"
)

// The vocabulary the sandbox shares with the scheduler lives in package
// domain, which does not link wazero; these names keep the sandbox's API.
type (
	Runner    = domain.Runner
	Limits    = domain.Limits
	Job       = domain.Job
	Modules   = domain.Modules
	ModuleRun = domain.ModuleRun
	Outcome   = domain.Outcome
	Slot      = domain.Slot
)

// ErrNotGranted is the error of a module call the job has no grant for.
var ErrNotGranted = domain.ErrNotGranted

// WithSlot returns a context whose runs hand slot back while they block.
func WithSlot(ctx context.Context, slot Slot) context.Context {
	return domain.WithSlot(ctx, slot)
}

// OffSlot runs wait with the run's slot released (see domain.OffSlot).
func OffSlot(ctx context.Context, wait func()) bool {
	return domain.OffSlot(ctx, wait)
}
