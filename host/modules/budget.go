package modules

import (
	"context"
	"errors"
	"fmt"

	"github.com/jobbox/jobbox/host/sandbox"
)

// budget counts a result's bytes, as it is gathered, against what the run
// has left of run_bytes, so a result too large to deliver stops at the
// first row or document past the limit instead of being built whole.
type budget struct {
	left, used int64
	limited    bool
}

func budgetOf(ctx context.Context) *budget {
	left, ok := sandbox.ResultBudget(ctx)
	return &budget{left: left, limited: ok}
}

// take counts n more bytes, and fails once they pass what is left. The
// counts are lower bounds of the encoded sizes, so a result that fits is
// never refused here.
func (b *budget) take(n int) error {
	b.used += int64(n)
	if b.limited && b.used > b.left {
		return fmt.Errorf("the result is larger than the %d bytes the run has left of its run_bytes limit", b.left)
	}
	return nil
}

// deadlineError explains a call cut short by the run's context.
func deadlineError(ctx context.Context) error {
	if errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		return fmt.Errorf("the time limit passed during the call: %w", ctx.Err())
	}
	return fmt.Errorf("the run was cancelled during the call: %w", ctx.Err())
}
