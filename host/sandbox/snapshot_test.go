package sandbox

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
)

// TestClonesStartFromTheSnapshot runs a job that writes all over its
// clone's state, then checks that the next clone of the same snapshot
// starts with memory and globals byte for byte those of a clone made
// before that run: nothing a run does reaches the snapshot or another clone.
func TestClonesStartFromTheSnapshot(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	ctx := context.Background()
	p := &pool{engine: e, guest: e.lua} // no filler: the test clones
	t.Cleanup(func() {
		if p.image != nil {
			p.image.release()
		}
	})
	state := func(inst *instance) ([]byte, []uint64) {
		mem, _ := inst.mod.Memory().Read(0, inst.mod.Memory().Size())
		var globals []uint64
		for _, name := range e.lua.layout.Globals {
			globals = append(globals, inst.mod.ExportedGlobal(name).Get())
		}
		return bytes.Clone(mem), globals
	}
	clone := func() *instance {
		inst, err := p.clone(ctx, DefaultLimits(), anySnapshot)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { inst.close(ctx) })
		return inst
	}
	before := clone()
	wantMem, wantGlobals := state(before)

	tainted := clone()
	src := `local job = core.job()
function job.run()
  leaked = string.rep("x", 1048576)
  local t = {}
  for i = 1, 50000 do t[i] = {i} end
  getmetatable("").__index.upper = nil
  return job.OK
end
return job
`
	job := &Job{Name: "taint", File: "taint.lua", Limits: DefaultLimits()}
	rs := &runState{engine: e, job: job, source: src, deadline: time.Now().Add(time.Minute)}
	rs.output = tainted.output
	res, err := tainted.mod.ExportedFunction(abi.RunExport).Call(context.WithValue(ctx, runKey{}, rs))
	if err != nil || abi.Status(int32(res[0])) != abi.StatusOK {
		t.Fatalf("tainting run: %v %v %s", res, err, rs.failure)
	}
	if mem, _ := state(tainted); bytes.Equal(mem, wantMem) {
		t.Fatal("the tainting run changed nothing; the test proves nothing")
	}

	gotMem, gotGlobals := state(clone())
	if !bytes.Equal(gotMem, wantMem) {
		t.Error("a clone made after a run differs in memory from one made before it")
	}
	for i := range wantGlobals {
		if gotGlobals[i] != wantGlobals[i] {
			t.Errorf("global %s is %d after a run, %d before", e.lua.layout.Globals[i], gotGlobals[i], wantGlobals[i])
		}
	}
	// A clone is the state the snapshot took, not a shared one: this run
	// of the tainted clone's memory is not seen by the one made before.
	if mem, _ := state(before); !bytes.Equal(mem, wantMem) {
		t.Error("a run in one clone changed another clone's memory")
	}
}

// TestPooledRunsMatchFreshRuns runs the same jobs through clones and
// through fresh instances and expects the same outcomes.
func TestPooledRunsMatchFreshRuns(t *testing.T) {
	t.Parallel()
	fresh, err := New(context.Background(), Options{FreshInstances: true, Now: testEngine(t).opts.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fresh.Close(context.Background()) })
	pooled := testEngine(t)
	for _, src := range []string{
		trivialLua,
		"local job = core.job()\nfunction job.run() local t = {} for i = 1, 1000 do t[i] = i * i end return t[1000] == 1000000 end\nreturn job\n",
		"local job = core.job()\nfunction job.run() core.log(os.time(), job.hour()) return job.SLEEP end\nreturn job\n",
		"local job = core.job()\nfunction job.run() error('boom') end\nreturn job\n",
	} {
		job := writeJob(t, "job.lua", src)
		want := fresh.Run(context.Background(), job)
		for range 3 {
			got := pooled.Run(context.Background(), job)
			if got.Status != want.Status || got.Error != want.Error || len(got.Logs) != len(want.Logs) {
				t.Errorf("pooled run %v %q %q; fresh run %v %q %q", got.Status, got.Error, got.Logs, want.Status, want.Error, want.Logs)
			}
		}
	}
}

// TestResetNeverWaitsForANewSnapshot: taking a snapshot costs a fresh
// instance, so a reset that finds its snapshot due for replacement keeps
// using it and leaves the replacement to the filler; the reset after the
// replacement moves the clone to the new snapshot.
func TestResetNeverWaitsForANewSnapshot(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	ctx := context.Background()
	p := &pool{engine: e, guest: e.lua, wake: make(chan struct{}, 1)} // no filler: the test is it
	t.Cleanup(func() {
		if p.image != nil {
			p.image.release()
		}
	})
	inst, err := p.clone(ctx, DefaultLimits(), anySnapshot)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.close(ctx) })
	old := inst.image
	p.mu.Lock()
	old.clones = snapshotMaxClones
	p.mu.Unlock()

	if err := p.reset(ctx, inst); err != nil {
		t.Fatal(err)
	}
	if inst.image != old {
		t.Fatal("the reset took a new snapshot itself")
	}
	select {
	case <-p.wake:
	default:
		t.Fatal("the reset did not wake the filler")
	}
	if !p.replace.Load() {
		t.Fatal("the reset did not ask for a new snapshot")
	}

	replaced, err := p.current(ctx, DefaultLimits(), replaceNow) // as the filler does
	if err != nil {
		t.Fatal(err)
	}
	replaced.release()
	if replaced == old {
		t.Fatal("the filler kept the snapshot due for replacement")
	}
	if err := p.reset(ctx, inst); err != nil {
		t.Fatal(err)
	}
	if inst.image != replaced {
		t.Error("the next reset left the clone on the old snapshot")
	}
}
