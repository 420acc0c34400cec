package sandbox

import (
	"context"
	"time"

	"github.com/jobbox/jobbox/abi"
)

// hostSleep implements abi.FuncSleep ("sleep", since ABI 1.1).
//
//	input:  a list [nanoseconds int]
//	output: nothing; the run pauses with its run slot handed back (OffSlot)
//	codes:  0; 2 (bad encoding) for anything but a list of one value;
//	        7 (bad argument) for a negative or non-integer duration
//	limits: a sleep past the run's deadline ends the run at the deadline,
//	        as does the service stopping
func hostSleep(ctx context.Context, rs *runState, in []byte) ([]byte, abi.Code) {
	args, err := abi.DecodeList(in)
	if err != nil || len(args) != 1 {
		return errorPayload(abi.CodeBadEncoding, "sleep: the input must be a list of one integer")
	}
	ns, ok := args[0].(int64)
	if !ok || ns < 0 {
		return errorPayload(abi.CodeBadArgument, "sleep: the duration must be a non-negative integer of nanoseconds")
	}
	d, left := time.Duration(ns), time.Until(rs.deadline)
	overrun := d >= left
	timer := time.NewTimer(min(d, max(left, 0)))
	defer timer.Stop()
	resumed := OffSlot(ctx, func() {
		select {
		case <-timer.C:
		case <-ctx.Done():
			overrun = true
		}
	})
	switch {
	case overrun:
		rs.abortAtDeadline(ctx, " (while sleeping)")
	case !resumed:
		rs.abortAtDeadline(ctx, " (while waiting for a run slot after sleeping)")
	}
	return nil, abi.CodeOK
}
