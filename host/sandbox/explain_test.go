package sandbox

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero/sys"
)

// TestExplainNamesWhatEndedTheCall: the stored error names the deadline
// when it passed, a host-enforced limit when one ended the call, the
// memory limit only when a refused grow was all there was, and the stage.
func TestExplainNamesWhatEndedTheCall(t *testing.T) {
	t.Parallel()
	limits := withDefaults(Limits{Timeout: time.Second, MemoryBytes: 32 << 20})
	trap := errors.New("wasm error: unreachable\nstack...")
	cases := []struct {
		name     string
		stage    stage
		timedOut bool // refuel found the deadline passed
		aborted  string
		refused  bool // the allocator refused a grow
		err      error
		want     string
	}{
		{"deadline after a refused grow", stageRunning, true, "", true, trap,
			"time limit of 1s exceeded, after its memory limit of 32 MiB refused it more memory"},
		{"deadline while initialising", stageInitializing, true, "", false, trap,
			"the guest did not return within its time limit of 1s during initialisation"},
		{"deadline while preparing", stagePreparing, true, "", false, trap,
			"the guest did not return within its time limit of 1s during preparation"},
		{"host limit after a refused grow", stageRunning, false, "host call limit of 10 per run exceeded", true, trap,
			"host call limit of 10 per run exceeded"},
		{"refused grow, then a trap", stageRunning, false, "", true, trap,
			"memory limit of 32 MiB exceeded"},
		{"refused grow while initialising", stageInitializing, false, "", true, sys.NewExitError(2),
			"memory limit of 32 MiB exceeded during initialisation"},
		{"trap while preparing", stagePreparing, false, "", false, trap,
			"the guest trapped during preparation (jobbox_prepare): wasm error: unreachable"},
		{"exit while initialising", stageInitializing, false, "", false, sys.NewExitError(3),
			"the guest exited with code 3 during initialisation"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rs := &runState{job: &Job{Limits: limits}, stage: tc.stage, deadline: time.Now().Add(time.Hour)}
			if tc.timedOut {
				rs.abortAtDeadline(context.Background(), "")
			}
			rs.abort(tc.aborted)
			inst := &instance{mem: &linearMemory{}}
			inst.mem.exceeded.Store(tc.refused)
			got := rs.explain(tc.err, inst).Error()
			if !strings.Contains(got, tc.want) {
				t.Fatalf("explain = %q; want it to contain %q", got, tc.want)
			}
		})
	}
}
