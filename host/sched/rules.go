package sched

import (
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/store"
)

// The rules below are README.md's "Job semantics" as pure functions: each
// says what an event does to a job's state and next run, given what is known
// then. The scheduler's loop only applies what they return, so the table
// can be tested without a clock, a store or a goroutine (rules_test.go).

// place is where a job stands after an event: its state, and its next run
// (zero when none is queued).
type place struct {
	state State
	next  time.Time
}

// onAdd places a job the schedule does not have yet, at the start or when a
// reload adds it; first is its first run when it runs on its interval.
func onAdd(spec Spec, saved store.JobState, now, first time.Time) place {
	switch {
	case !spec.Active:
		return place{state: Deactivated}
	case saved.Deactivated && saved.Reason == store.ReasonExit:
		return place{state: Exited}
	case saved.Deactivated:
		return place{state: Deactivated}
	case spec.RunOnce:
		return place{OncePending, now.Add(spec.Interval)}
	case saved.SleepUntil.After(now):
		return place{Sleeping, saved.SleepUntil}
	default:
		return place{Waiting, first}
	}
}

// afterRun applies the semantics table to a finished run that was due at
// due: it returns the job's stored state and its place. shutdown says the
// run was cut short because the service is stopping, which is not the
// job's fault: the job then keeps its state and is not rescheduled.
func afterRun(spec Spec, saved store.JobState, out domain.Outcome, due, now time.Time, shutdown bool) (store.JobState, place) {
	st := saved
	st.LastRun, st.LastDuration = out.Start, out.Duration()
	st.LastStatus = out.Status.String()
	st.Runs++
	st.SleepUntil = time.Time{}
	st.LastError = ""
	if out.Status == abi.StatusError {
		st.LastError = out.Error
	}
	switch {
	case shutdown:
		return st, place{state: Waiting}
	case out.Status == abi.StatusError:
		st.Deactivated, st.Reason = true, store.ReasonError
		return st, place{state: Deactivated}
	case out.Status == abi.StatusExit:
		st.Deactivated, st.Reason = true, store.ReasonExit
		return st, place{state: Exited}
	case st.Deactivated:
		// An operator deactivated the job while it ran.
		return st, place{state: Deactivated}
	case spec.RunOnce:
		return st, place{state: OnceDone}
	case out.Status == abi.StatusStop:
		return st, place{state: Stopped}
	case out.Status == abi.StatusSleep:
		st.SleepUntil = out.Start.Add(SleepPeriod)
		return st, place{Sleeping, st.SleepUntil}
	default:
		return st, place{Waiting, nextSlot(due, spec.Interval, now)}
	}
}

// nextSlot is the first due time after now on the job's grid (due + k *
// interval): a run that overran skips the slots it missed instead of
// running them back to back, and the job keeps its phase.
func nextSlot(due time.Time, interval time.Duration, now time.Time) time.Time {
	next := due.Add(interval)
	if next.After(now) || interval <= 0 {
		return next
	}
	missed := now.Sub(due) / interval
	return due.Add((missed + 1) * interval)
}

// onReload places a job a reload keeps (spec is its new spec), or reports
// false when it stays where it is: a run in flight finishes under the new
// spec, sleeping jobs keep their wake-up time, once-done jobs stay done, a
// job deactivated in the store waits for `jobbox activate`.
func onReload(spec Spec, cur place, saved store.JobState, now time.Time) (place, bool) {
	switch {
	case cur.state == Running:
		return cur, false
	case !spec.Active:
		return place{state: Deactivated}, true
	case saved.Deactivated:
		return cur, false
	case cur.state == Stopped || cur.state == Exited || cur.state == Deactivated:
		if spec.RunOnce {
			return place{OncePending, now.Add(spec.Interval)}, true
		}
		return place{Waiting, now.Add(spec.Interval)}, true
	case cur.state == Waiting || cur.state == OncePending:
		// A job keeps its remaining time unless the new interval is shorter.
		p, changed := cur, false
		if spec.RunOnce && cur.state == Waiting {
			p.state, changed = OncePending, true
		}
		if shorter := now.Add(spec.Interval); shorter.Before(cur.next) {
			p.next, changed = shorter, true
		}
		return p, changed
	}
	return cur, false
}

// onSetActive is what `jobbox activate` (active) or `jobbox deactivate`
// does: the stored state, and whether the job leaves the schedule now.
// Deactivation takes a job off at once unless a run is in flight (it
// finishes, then afterRun keeps the job deactivated); activation only
// clears the stored deactivation, and the next reload schedules the job.
func onSetActive(saved store.JobState, cur State, active bool) (store.JobState, bool) {
	st := saved
	if active {
		st.Deactivated, st.Reason = false, ""
		return st, false
	}
	st.Deactivated, st.Reason = true, store.ReasonAdmin
	return st, cur != Running
}

// afterManual applies the table to a finished manual run (RunNow); prior is
// where the job stood when it started. A return that changes the job's
// course (an error, EXIT, STOP, SLEEP, or an operator's deactivation
// meanwhile) acts as after a scheduled run. OK leaves the job where it
// stood: a manual run is an extra run, so it does not shift the schedule,
// keep a SLEEP from ending, or use up a Run Once job's run. A scheduled run
// that came due while the manual run ran is skipped, as an overrun skips
// its missed slots.
func afterManual(spec Spec, saved store.JobState, out domain.Outcome, prior place, now time.Time, shutdown bool) (store.JobState, place) {
	st, p := afterRun(spec, saved, out, now, now, shutdown)
	if shutdown || out.Status != abi.StatusOK || st.Deactivated {
		return st, p
	}
	if prior.state == Sleeping {
		st.SleepUntil = saved.SleepUntil
	}
	if !prior.next.IsZero() && !prior.next.After(now) {
		prior.next = nextSlot(prior.next, spec.Interval, now)
		if prior.state == Sleeping {
			// Its wake-up passed during the run: it wakes to its interval.
			prior.state = Waiting
			st.SleepUntil = time.Time{}
		}
	}
	return st, prior
}
