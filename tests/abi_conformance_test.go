package tests

import (
	"context"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/abi"
)

// TestABIConformance runs the conformance guest, whose run checks that each
// host function answers the codes of abi/SPEC.md (bad pointer on either
// range, bad encoding, not granted, not available, no result, bad argument)
// and that a result too large for its buffer is kept pending, fetched once
// by result, and dropped by the next call.
func TestABIConformance(t *testing.T) {
	t.Parallel()
	runsOK(t, "abi-conformance")
}

// TestEveryStatusFromACompiledGuest runs the statuses guest under a job
// name that asks for each status, and checks the engine reports it as is.
func TestEveryStatusFromACompiledGuest(t *testing.T) {
	t.Parallel()
	e := engineAt(t, monday)
	for name, want := range map[string]abi.Status{
		"status-ok": abi.StatusOK, "status-sleep": abi.StatusSleep, "status-stop": abi.StatusStop,
		"status-exit": abi.StatusExit, "status-error": abi.StatusError,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			job := testGuest("statuses")
			job.Name = name
			out := e.Run(context.Background(), job)
			if out.Status != want {
				t.Fatalf("got %v %q; want %v", out.Status, out.Error, want)
			}
			if want == abi.StatusError && !strings.Contains(out.Error, "asked to fail by the job's name status-error") {
				t.Fatalf("error %q does not carry the guest's message", out.Error)
			}
		})
	}
}
