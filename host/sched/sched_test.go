package sched

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/domain"
)

func TestOKRunsEveryInterval(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start(spec("a", time.Minute))
	h.expect("a", Waiting, time.Minute) // the first run comes one interval after the start
	r := h.advance(time.Minute, "a")
	if r[0].Lateness() != 0 {
		t.Fatalf("lateness %s", r[0].Lateness())
	}
	h.expect("a", Waiting, 2*time.Minute)
	h.advance(time.Minute, "a")
	v := h.expect("a", Waiting, 3*time.Minute)
	if v.Runs != 2 || v.LastStatus != "OK" {
		t.Fatalf("view %+v", v)
	}
}

func TestSleepRunsAgainADayAfterTheRunStartedAndSurvivesRestart(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runner.set("s", returns(abi.StatusSleep, ""))
	h.start(spec("s", time.Minute))
	h.advance(time.Minute, "s")
	h.expect("s", Sleeping, time.Minute+SleepPeriod)
	h.clock.Advance(time.Hour)
	h.restart(spec("s", time.Minute))
	h.expect("s", Sleeping, time.Minute+SleepPeriod)
	h.advance(SleepPeriod-time.Hour, "s")
}

func TestStopWaitsForReload(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runner.set("s", returns(abi.StatusStop, ""))
	h.start(spec("s", time.Minute))
	h.advance(time.Minute, "s")
	h.expect("s", Stopped, never)
	h.clock.Advance(time.Hour)
	h.expect("s", Stopped, never)
	h.sched.Reload([]Spec{spec("s", time.Minute)})
	h.expect("s", Waiting, time.Hour+2*time.Minute)
}

func TestStopEndsAtRestartToo(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runner.set("s", returns(abi.StatusStop, ""))
	h.start(spec("s", time.Minute))
	h.advance(time.Minute, "s")
	h.restart(spec("s", time.Minute))
	h.expect("s", Waiting, 2*time.Minute)
}

func TestExitDeactivatesUntilActivatedAndReloaded(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runner.set("e", returns(abi.StatusExit, ""))
	h.start(spec("e", time.Minute))
	h.advance(time.Minute, "e")
	h.expect("e", Exited, never)
	h.sched.Reload([]Spec{spec("e", time.Minute)})
	h.expect("e", Exited, never)
	h.restart(spec("e", time.Minute))
	h.expect("e", Exited, never)

	if err := h.sched.SetActive(context.Background(), "e", true); err != nil {
		t.Fatal(err)
	}
	h.expect("e", Exited, never) // re-activation waits for the reload
	h.sched.Reload([]Spec{spec("e", time.Minute)})
	h.expect("e", Waiting, 2*time.Minute)
}

func TestErrorDeactivatesWithTheErrorStored(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runner.set("x", returns(abi.StatusError, "x.lua:3: boom"))
	h.start(spec("x", time.Minute), spec("ok", time.Minute))
	h.advance(time.Minute, "x", "ok")
	v := h.expect("x", Deactivated, never)
	if v.LastError != "x.lua:3: boom" || v.LastStatus != "ERROR" {
		t.Fatalf("view %+v", v)
	}
	h.expect("ok", Waiting, 2*time.Minute)
	h.restart(spec("x", time.Minute), spec("ok", time.Minute))
	if v := h.expect("x", Deactivated, never); v.LastError != "x.lua:3: boom" {
		t.Fatalf("after restart: %+v", v)
	}
	hist, err := h.store.History(context.Background(), "x", 10)
	if err != nil || len(hist) != 1 || hist[0].Error != "x.lua:3: boom" {
		t.Fatalf("history %+v, %v", hist, err)
	}
}

func TestRunOnceRunsOncePerStartNotPerReload(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	once := spec("o", time.Minute)
	once.RunOnce = true
	h.start(once)
	h.expect("o", OncePending, time.Minute)
	h.advance(time.Minute, "o")
	h.expect("o", OnceDone, never)
	h.sched.Reload([]Spec{once})
	h.expect("o", OnceDone, never)
	h.restart(once)
	h.expect("o", OncePending, 2*time.Minute)
	h.advance(time.Minute, "o")
}

func TestReloadKeepsRemainingTime(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start(spec("a", 120*time.Second), spec("b", 120*time.Second), spec("gone", time.Minute))
	// gone is due at 60 s: wait for its report, or it could arrive among b's.
	h.advance(60*time.Second, "gone")
	// a keeps its remaining 60 s; b's new 30 s interval is shorter than what
	// remains, so it wins; c is new and gets a full interval; gone is removed.
	h.sched.Reload([]Spec{spec("a", 120*time.Second), spec("b", 30*time.Second), spec("c", 90*time.Second)})
	h.expect("a", Waiting, 120*time.Second)
	h.expect("b", Waiting, 90*time.Second)
	h.expect("c", Waiting, 150*time.Second)
	if n := len(h.sched.Jobs()); n != 3 {
		t.Fatalf("%d jobs after reload, want 3", n)
	}
	if h.sched.Status() != StatusRunning {
		t.Fatalf("status %s", h.sched.Status())
	}
	h.advance(30*time.Second, "b")
	h.advance(30*time.Second, "a", "b")
}

func TestReloadNeverInterruptsARun(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	release := h.startBlockedRun("slow")
	h.sched.Reload([]Spec{spec("slow", 2*time.Minute)})
	h.expect("slow", Running, never)
	h.release(release)
	r := h.advance(0, "slow")
	if r[0].Outcome.Status != abi.StatusOK || r[0].Next != t0.Add(3*time.Minute) {
		t.Fatalf("report %+v", r[0])
	}
}

func TestNoOverlapAndSlowJobDelaysNoOther(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	started, release := make(chan struct{}, 10), make(chan struct{})
	h.runner.set("slow", func(ctx context.Context) (abi.Status, string) {
		started <- struct{}{}
		<-release
		return abi.StatusOK, ""
	})
	h.start(spec("slow", time.Second), spec("fast", time.Second))
	h.held = 1
	for i := 1; i <= 5; i++ {
		reports := h.advance(time.Second, "fast")
		if late := reports[0].Lateness(); late != 0 {
			t.Fatalf("fast run %d started %s late", i, late)
		}
	}
	if n := len(started); n != 1 {
		t.Fatalf("slow job started %d times while its first run was in flight", n)
	}
	h.release(release)
	r := h.next()
	// The slow run began at 1 s and ended at 5 s: it skips the slots it
	// missed and runs next at 6 s, on its grid.
	if r.Job != "slow" || r.Next != t0.Add(6*time.Second) {
		t.Fatalf("report %+v", r)
	}
}

func TestDeactivateWhileRunning(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	release := h.startBlockedRun("a")
	if err := h.sched.SetActive(context.Background(), "a", false); err != nil {
		t.Fatal(err)
	}
	h.release(release)
	h.next()
	h.expect("a", Deactivated, never)
	h.advance(time.Hour) // deactivated: nothing runs
	if err := h.sched.SetActive(context.Background(), "nope", false); err == nil {
		t.Fatal("deactivating an unknown job should fail")
	}
}

func TestConfigInactiveJobDoesNotRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	off := spec("off", time.Minute)
	off.Active = false
	h.start(off)
	h.expect("off", Deactivated, never)
	h.advance(time.Hour) // past many intervals: nothing runs
	h.expect("off", Deactivated, never)
	h.sched.Reload([]Spec{spec("off", time.Minute)})
	h.expect("off", Waiting, time.Hour+time.Minute)
	h.advance(time.Minute, "off")
}

func TestStopWaitsForRunsThenCancels(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	started := make(chan struct{})
	h.runner.set("hang", func(ctx context.Context) (abi.Status, string) {
		close(started)
		<-ctx.Done()
		return abi.StatusError, "the run was cancelled because the service is stopping"
	})
	h.start(spec("hang", time.Minute))
	h.clock.Advance(time.Minute)
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // no grace: cancel at once
	h.sched.Stop(ctx)
	r := h.next()
	if r.State != Waiting {
		t.Fatalf("a run cut short by shutdown left the job %s", r.State)
	}
	states, _ := h.store.Jobs(context.Background())
	if states["hang"].Deactivated {
		t.Fatal("shutdown deactivated the job")
	}
}

func TestNextSlot(t *testing.T) {
	t.Parallel()
	due := t0
	for _, tc := range []struct {
		now  time.Duration
		want time.Duration
	}{
		{0, 10 * time.Second},
		{9 * time.Second, 10 * time.Second},
		{10 * time.Second, 20 * time.Second},
		{35 * time.Second, 40 * time.Second},
	} {
		if got := nextSlot(due, 10*time.Second, t0.Add(tc.now)); !got.Equal(t0.Add(tc.want)) {
			t.Errorf("nextSlot at +%s = +%s, want +%s", tc.now, got.Sub(t0), tc.want)
		}
	}
}

// TestSpreadFirstRuns: with SpreadFirstRuns, jobs added together come due
// across their first interval, each at the same point at every start.
func TestSpreadFirstRuns(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := New(Options{SpreadFirstRuns: true})
	seen := map[time.Time]bool{}
	for i := range 100 {
		spec := Spec{Job: domain.Job{Name: fmt.Sprint("job-", i)}, Interval: time.Minute}
		first := s.firstRun(spec, now)
		if !first.After(now) || first.After(now.Add(time.Minute)) {
			t.Fatalf("%s first runs at %s, outside its first interval", spec.Name, first.Sub(now))
		}
		if again := s.firstRun(spec, now); !again.Equal(first) {
			t.Fatalf("%s first runs at %s, then at %s", spec.Name, first, again)
		}
		seen[first] = true
	}
	if len(seen) < 90 {
		t.Errorf("100 jobs share %d first-run times; want them spread", len(seen))
	}
	if got := New(Options{}).firstRun(Spec{Interval: time.Minute}, now); !got.Equal(now.Add(time.Minute)) {
		t.Errorf("without SpreadFirstRuns the first run is at %s; want one interval", got.Sub(now))
	}
}
