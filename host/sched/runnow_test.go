package sched

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/store"
)

var ann = domain.Actor{Name: "ann", From: "10.0.0.7"}

// TestAfterManual: a manual run's return, row by row (README's "Run now").
func TestAfterManual(t *testing.T) {
	t.Parallel()
	const iv = time.Minute
	every, once := spec("j", iv), spec("j", iv)
	once.RunOnce = true
	sleeping := store.JobState{Name: "j", SleepUntil: at(time.Hour)}
	admin := store.JobState{Name: "j", Deactivated: true, Reason: store.ReasonAdmin}
	for _, tc := range []struct {
		name      string
		spec      Spec
		saved     store.JobState
		prior     place
		status    abi.Status
		end       time.Duration // the run started at 10 s and ended at this
		want      place
		wantOff   string
		wantSleep time.Time
	}{
		{"OK keeps the schedule", every, store.JobState{}, place{Waiting, at(iv)}, abi.StatusOK, 20 * time.Second, place{Waiting, at(iv)}, "", time.Time{}},
		{"OK past the scheduled run skips it, on the grid", every, store.JobState{}, place{Waiting, at(iv)}, abi.StatusOK, 90 * time.Second, place{Waiting, at(2 * iv)}, "", time.Time{}},
		{"OK keeps a SLEEP's wake-up", every, sleeping, place{Sleeping, at(time.Hour)}, abi.StatusOK, 20 * time.Second, place{Sleeping, at(time.Hour)}, "", at(time.Hour)},
		{"OK keeps a stopped job stopped", every, store.JobState{}, place{state: Stopped}, abi.StatusOK, 20 * time.Second, place{state: Stopped}, "", time.Time{}},
		{"OK does not use up a Run Once job's run", once, store.JobState{}, place{OncePending, at(iv)}, abi.StatusOK, 20 * time.Second, place{OncePending, at(iv)}, "", time.Time{}},
		{"OK leaves a done Run Once job done", once, store.JobState{}, place{state: OnceDone}, abi.StatusOK, 20 * time.Second, place{state: OnceDone}, "", time.Time{}},
		{"ERROR deactivates", every, store.JobState{}, place{Waiting, at(iv)}, abi.StatusError, 20 * time.Second, place{state: Deactivated}, store.ReasonError, time.Time{}},
		{"EXIT deactivates", every, store.JobState{}, place{Waiting, at(iv)}, abi.StatusExit, 20 * time.Second, place{state: Exited}, store.ReasonExit, time.Time{}},
		{"STOP stops", every, store.JobState{}, place{Waiting, at(iv)}, abi.StatusStop, 20 * time.Second, place{state: Stopped}, "", time.Time{}},
		{"SLEEP sleeps from the manual run's start", every, store.JobState{}, place{Waiting, at(iv)}, abi.StatusSleep, 20 * time.Second, place{Sleeping, at(10*time.Second + SleepPeriod)}, "", at(10*time.Second + SleepPeriod)},
		{"a deactivation meanwhile holds", every, admin, place{Waiting, at(iv)}, abi.StatusOK, 20 * time.Second, place{state: Deactivated}, store.ReasonAdmin, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out := domain.Outcome{Status: tc.status, Start: at(10 * time.Second), End: at(tc.end)}
			if tc.status == abi.StatusError {
				out.Error = "boom"
			}
			st, p := afterManual(tc.spec, tc.saved, out, tc.prior, at(tc.end), false)
			if p != tc.want || st.Reason != tc.wantOff || !st.SleepUntil.Equal(tc.wantSleep) || st.Runs != 1 {
				t.Fatalf("got %+v %+v; want %+v, reason %q, sleep %v", p, st, tc.want, tc.wantOff, tc.wantSleep)
			}
		})
	}
}

// TestRunNowRunsOnceAndKeepsTheSchedule: a manual run starts at once, is
// reported and stored with its actor, and the job's next run stays put.
func TestRunNowRunsOnceAndKeepsTheSchedule(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var started []Started
	startedCh := make(chan Started, 10)
	h.opts.OnStart = func(s Started) { startedCh <- s }
	h.start(spec("a", time.Minute))
	h.advance(20 * time.Second)
	m, err := h.sched.RunNow("a", ann)
	if err != nil || m.AfterRunInFlight || m.Duplicate || m.Key != (domain.RunKey{Job: "a", Due: at(20 * time.Second), Trigger: domain.TriggerManual}) {
		t.Fatalf("RunNow: %+v, %v", m, err)
	}
	r := h.next()
	if r.Trigger != domain.TriggerManual || r.Actor != ann || !r.Due.Equal(at(20*time.Second)) {
		t.Fatalf("report %+v", r)
	}
	h.requireEmpty()
	h.expect("a", Waiting, time.Minute)
	if rs := h.advance(40*time.Second, "a"); rs[0].Trigger != domain.TriggerSchedule {
		t.Fatalf("the scheduled run's trigger is %q", rs[0].Trigger)
	}
	for range 2 {
		started = append(started, <-startedCh)
	}
	if started[0].Trigger != domain.TriggerManual || started[0].Actor != ann || started[1].Trigger != domain.TriggerSchedule {
		t.Fatalf("starts %+v", started)
	}
	runs, _, err := h.store.Runs(context.Background(), "a", store.Page{})
	if err != nil || len(runs) != 2 {
		t.Fatalf("history %+v, %v", runs, err)
	}
	if runs[1].Trigger != "manual" || runs[1].Actor != "ann" || runs[1].From != "10.0.0.7" || runs[0].TriggerName() != "schedule" {
		t.Fatalf("history %+v", runs)
	}
}

// TestRunNowNeverOverlapsARunInFlight: asked during a run, the manual run
// waits for it, asking again adds nothing, and exactly one manual run
// follows, never two at once.
func TestRunNowNeverOverlapsARunInFlight(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var inFlight, most atomic.Int32
	started, release := make(chan struct{}, 10), make(chan struct{})
	h.runner.set("b", func(context.Context) (abi.Status, string) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		if n > most.Load() {
			most.Store(n)
		}
		started <- struct{}{}
		<-release
		return abi.StatusOK, ""
	})
	h.start(spec("b", time.Minute))
	h.held = 1
	h.clock.Advance(time.Minute)
	<-started
	m, err := h.sched.RunNow("b", ann)
	if err != nil || !m.AfterRunInFlight || m.Duplicate {
		t.Fatalf("RunNow in flight: %+v, %v", m, err)
	}
	again, err := h.sched.RunNow("b", domain.Actor{Name: "bob"})
	if err != nil || !again.Duplicate || again.Key != m.Key || again.Actor != ann {
		t.Fatalf("RunNow again: %+v, %v", again, err)
	}
	h.requireEmpty() // nothing started beside the held run
	h.held = 0
	close(release)
	first, second := h.next(), h.next()
	if first.Trigger != domain.TriggerSchedule || second.Trigger != domain.TriggerManual || second.Actor != ann {
		t.Fatalf("runs %+v then %+v", first, second)
	}
	h.requireEmpty()
	if most.Load() != 1 {
		t.Fatalf("%d runs of b at once", most.Load())
	}
	h.expect("b", Waiting, 2*time.Minute)
}

// TestRunNowWaitingForASlotNeverOverlaps: a manual run queued behind the
// job's own due run, both waiting for the one CPU slot, runs after it.
func TestRunNowWaitingForASlotNeverOverlaps(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.opts.MaxConcurrent = 1
	release := make(chan struct{})
	h.runner.set("hog", func(context.Context) (abi.Status, string) { <-release; return abi.StatusOK, "" })
	h.start(spec("hog", time.Minute), spec("c", time.Minute+time.Second))
	h.held = 1
	h.clock.Advance(time.Minute + time.Second) // hog holds the slot; c is due and waits
	h.settle()
	if _, err := h.sched.RunNow("c", ann); err != nil {
		t.Fatal(err)
	}
	h.held = 0
	close(release)
	var triggers []domain.Trigger
	for range 3 {
		r := h.next()
		if r.Job == "c" {
			triggers = append(triggers, r.Trigger)
		}
	}
	h.requireEmpty()
	if len(triggers) != 2 || triggers[0] != domain.TriggerSchedule || triggers[1] != domain.TriggerManual {
		t.Fatalf("runs of c: %v", triggers)
	}
}

// TestRunNowRefusals: an unknown job and a deactivated one are refused
// with typed errors; a deactivation drops a pending manual run.
func TestRunNowRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runner.set("x", returns(abi.StatusError, "boom"))
	h.start(spec("x", time.Minute), spec("y", time.Minute))
	if _, err := h.sched.RunNow("nope", ann); !errors.Is(err, ErrUnknownJob) {
		t.Fatalf("unknown job: %v", err)
	}
	h.advance(time.Minute, "x", "y")
	if _, err := h.sched.RunNow("x", ann); !errors.Is(err, ErrNotRunnable) {
		t.Fatalf("deactivated job: %v", err)
	}
	if err := h.sched.SetActive(context.Background(), "y", false); err != nil {
		t.Fatal(err)
	}
	if _, err := h.sched.RunNow("y", ann); !errors.Is(err, ErrNotRunnable) {
		t.Fatalf("deactivated job: %v", err)
	}
	h.requireEmpty()
}

// TestDeactivateDropsAPendingManualRun: deactivated while its run is in
// flight and a manual run waits, the job runs no more.
func TestDeactivateDropsAPendingManualRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	started, release := make(chan struct{}), make(chan struct{})
	h.runner.set("d", func(context.Context) (abi.Status, string) { close(started); <-release; return abi.StatusOK, "" })
	h.start(spec("d", time.Minute))
	h.held = 1
	h.clock.Advance(time.Minute)
	<-started
	if _, err := h.sched.RunNow("d", ann); err != nil {
		t.Fatal(err)
	}
	if err := h.sched.SetActive(context.Background(), "d", false); err != nil {
		t.Fatal(err)
	}
	h.held = 0
	close(release)
	if r := h.next(); r.Trigger != domain.TriggerSchedule || r.State != Deactivated {
		t.Fatalf("report %+v", r)
	}
	h.requireEmpty()
}

// TestReloadTriggersFirstRuns: a job a reload adds, or a stopped one it
// starts again, runs first as the reload's run, then on schedule; the
// reload reports the states it changed.
func TestReloadTriggersFirstRuns(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var changes []StateChange
	h.opts.OnStateChange = func(c StateChange) { changes = append(changes, c) }
	h.runner.set("s", returns(abi.StatusStop, ""))
	h.start(spec("s", time.Minute), spec("gone", time.Hour))
	h.advance(time.Minute, "s")
	h.runner.set("s", returns(abi.StatusOK, ""))
	h.sched.Reload([]Spec{spec("s", time.Minute), spec("n", time.Minute)})
	want := []StateChange{{Job: "gone", From: Waiting}, {Job: "s", From: Stopped, To: Waiting}, {Job: "n", To: Waiting}}
	if fmt.Sprint(changes) != fmt.Sprint(want) {
		t.Fatalf("state changes %v, want %v", changes, want)
	}
	for _, r := range h.advance(time.Minute, "s", "n") {
		if r.Trigger != domain.TriggerReload {
			t.Fatalf("first run after the reload: %+v", r)
		}
	}
	for _, r := range h.advance(time.Minute, "s", "n") {
		if r.Trigger != domain.TriggerSchedule {
			t.Fatalf("second run after the reload: %+v", r)
		}
	}
}

// TestReloadDuringAManualRunMovesItsReturn: a stopped job run by hand and
// reloaded meanwhile comes back as the reload placed it, not stopped.
func TestReloadDuringAManualRunMovesItsReturn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runner.set("s", returns(abi.StatusStop, ""))
	h.start(spec("s", time.Minute))
	h.advance(time.Minute, "s")
	h.expect("s", Stopped, never)
	started, release := make(chan struct{}), make(chan struct{})
	h.runner.set("s", func(context.Context) (abi.Status, string) { close(started); <-release; return abi.StatusOK, "" })
	if _, err := h.sched.RunNow("s", ann); err != nil {
		t.Fatal(err)
	}
	<-started
	h.sched.Reload([]Spec{spec("s", time.Minute)})
	close(release)
	if r := h.next(); r.Trigger != domain.TriggerManual {
		t.Fatalf("report %+v", r)
	}
	h.requireEmpty()
	h.expect("s", Waiting, 2*time.Minute)
}

// TestRunNowHammer: many callers ask for runs of one job while its
// schedule runs too (run it under -race): never two runs of it at once.
func TestRunNowHammer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var inFlight, most, runs atomic.Int32
	h.runner.set("h", func(context.Context) (abi.Status, string) {
		n := inFlight.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		runs.Add(1)
		inFlight.Add(-1)
		return abi.StatusOK, ""
	})
	h.reports = make(chan Report, 10_000)
	h.start(spec("h", time.Second))
	var callers sync.WaitGroup
	for range 8 {
		callers.Go(func() {
			for range 200 {
				if _, err := h.sched.RunNow("h", ann); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for range 50 {
		h.clock.Advance(time.Second)
	}
	callers.Wait()
	h.settle()
	if most.Load() != 1 || runs.Load() == 0 {
		t.Fatalf("%d runs, at most %d at once", runs.Load(), most.Load())
	}
}
