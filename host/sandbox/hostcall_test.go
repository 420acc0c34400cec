package sandbox

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jobbox/jobbox/abi"
)

func TestStageRefusesHostCallsOutsideTheRun(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		stage   stage
		name    string
		refused bool
	}{
		{stageRunning, abi.FuncLog, false},
		{stageRunning, abi.FuncResult, false},
		{stageRunning, abi.FuncSources, true},
		{stageInitializing, abi.FuncLog, true},
		{stageInitializing, abi.FuncSources, true},
		{stagePreparing, abi.FuncSources, false},
		{stagePreparing, abi.FuncResult, false},
		{stagePreparing, abi.FuncTime, true},
	} {
		if got := c.stage.refuses(c.name) != ""; got != c.refused {
			t.Errorf("stage %d, %s: refused %v, want %v", c.stage, c.name, got, c.refused)
		}
	}
}

func TestMeterNamesTheLimitBroken(t *testing.T) {
	t.Parallel()
	rs := &runState{job: &Job{Limits: Limits{HostCalls: 2, CallBytes: 10, RunBytes: 15}}}
	if rs.meterCall() != "" || rs.meterCall() != "" {
		t.Fatal("two calls broke a limit of two")
	}
	if msg := rs.meterCall(); msg != "host call limit of 2 per run exceeded" {
		t.Errorf("third call: %q", msg)
	}
	if msg := rs.meterInput(11); !strings.Contains(msg, "passed 11 bytes, more than the limit of 10 per call") {
		t.Errorf("11 bytes in: %q", msg)
	}
	if msg := rs.meterInput(10); msg != "" {
		t.Errorf("10 bytes in: %q", msg)
	}
	if msg := rs.meterBytes(6); msg != "limit of 15 bytes across host calls per run exceeded" {
		t.Errorf("16 bytes across the run: %q", msg)
	}
}

func TestResultHandsOverThePendingPayload(t *testing.T) {
	t.Parallel()
	rs := &runState{}
	if out, code := hostResult(context.Background(), rs, nil); code != abi.CodeNoResult || string(out) != "result: no result is pending" {
		t.Errorf("nothing pending: %v %q", code, out)
	}
	rs.pending = []byte("kept")
	if out, code := hostResult(context.Background(), rs, nil); code != abi.CodeOK || string(out) != "kept" {
		t.Errorf("pending: %v %q", code, out)
	}
}

func TestFailKeepsTheFirstMessageBounded(t *testing.T) {
	t.Parallel()
	rs := &runState{}
	long := append([]byte("bad \xff "), strings.Repeat("x", 2*maxFailureBytes)...)
	if _, code := hostFail(context.Background(), rs, long); code != abi.CodeOK {
		t.Fatalf("code %v", code)
	}
	hostFail(context.Background(), rs, []byte("second"))
	if len(rs.failure) > maxFailureBytes || !strings.HasPrefix(rs.failure, "bad ? x") {
		t.Errorf("kept %d bytes starting %q", len(rs.failure), rs.failure[:min(len(rs.failure), 10)])
	}
}

// TestHostPanicFailsOnlyThatRun makes a host function panic: the run fails
// with a message naming the function, the panic is logged with the job's
// name, and the next run is unaffected.
func TestHostPanicFailsOnlyThatRun(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var logged []string
	e, err := New(context.Background(), Options{
		OnLog: func(job, line string) {
			mu.Lock()
			defer mu.Unlock()
			logged = append(logged, job+": "+line)
		},
		hostOverrides: map[string]hostImpl{
			abi.FuncTime: func(context.Context, *runState, []byte) ([]byte, abi.Code) { panic("boom") },
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(context.Background())
	panicky := writeJob(t, "panicky.lua", "local job = core.job()\nfunction job.run()\n  pcall(job.minute)\n  return job.OK\nend\nreturn job\n")
	out := e.Run(context.Background(), panicky)
	if out.Status != abi.StatusError || out.Error != "host function time failed: boom" {
		t.Fatalf("got %v %q", out.Status, out.Error)
	}
	mu.Lock()
	if len(logged) != 1 || !strings.HasPrefix(logged[0], "panicky: host function time panicked: boom") {
		t.Fatalf("logged %q", logged)
	}
	mu.Unlock()
	if out := e.Run(context.Background(), writeJob(t, "fine.lua", trivialLua)); out.Status != abi.StatusOK {
		t.Fatalf("the next run: %v %q", out.Status, out.Error)
	}
}
