package sched

import (
	"errors"
	"fmt"
	"time"

	"github.com/jobbox/jobbox/host/domain"
)

// manualRun is a run RunNow asked for.
type manualRun struct {
	requested time.Time
	actor     domain.Actor
}

// ManualRun is what RunNow did.
type ManualRun struct {
	// Key names the run: the job, the time it was asked for, manual.
	Key   domain.RunKey
	Actor domain.Actor // who asked for it (the first asker, if Duplicate)
	// AfterRunInFlight: the job was running, so this run starts when
	// that run ends (unless that run deactivates the job).
	AfterRunInFlight bool
	// Duplicate: a manual run of the job was already pending; this is
	// that run, and no other was added.
	Duplicate bool
}

// ErrUnknownJob is the error (under UnknownJobError) of naming a job that is
// not configured.
var ErrUnknownJob = errors.New("no such job")

// UnknownJobError names the job asked for.
type UnknownJobError struct{ Name string }

func (e *UnknownJobError) Error() string {
	return fmt.Sprintf("no job named %q is configured", e.Name)
}

func (e *UnknownJobError) Is(target error) bool { return target == ErrUnknownJob }

// ErrNotRunnable is the error of RunNow on a job that is deactivated or
// exited, or while the service stops.
var ErrNotRunnable = errors.New("the job cannot run now")

// RunNow asks for a run of the job now, for actor. It never overlaps a run
// of the job: with a run in flight, the manual run starts when that run
// ends; with a manual run already pending, it adds nothing and returns
// that one (Duplicate), as River's unique jobs and Sidekiq's unique
// enqueue do, so one click or ten ask for one run. A manual run waits for a
// CPU slot like any due run, behind runs due earlier. Its return acts as
// afterManual says. A deactivated or exited job is refused: activate and
// reload it first.
func (s *Scheduler) RunNow(name string, actor domain.Actor) (ManualRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.jobs[name]
	if !ok {
		return ManualRun{}, &UnknownJobError{Name: name}
	}
	switch {
	case s.status == StatusStopping || s.status == StatusStarting:
		return ManualRun{}, fmt.Errorf("job %q: the service is %s: %w", name, s.status, ErrNotRunnable)
	case e.manual != nil:
		return e.manual.result(name, e.state == Running, true), nil
	case e.state == Deactivated || e.state == Exited || e.saved.Deactivated:
		return ManualRun{}, fmt.Errorf("job %q is deactivated; activate it and reload before running it: %w", name, ErrNotRunnable)
	}
	m := &manualRun{requested: s.opts.Clock.Now(), actor: actor}
	e.manual = m
	if e.state != Running {
		s.ready.push(queued{due: m.requested, entry: e, trigger: domain.TriggerManual, manual: m})
		s.poke()
	}
	return m.result(name, e.state == Running, false), nil
}

func (m *manualRun) result(job string, inFlight, dup bool) ManualRun {
	return ManualRun{
		Key:              domain.RunKey{Job: job, Due: m.requested, Trigger: domain.TriggerManual},
		Actor:            m.actor,
		AfterRunInFlight: inFlight,
		Duplicate:        dup,
	}
}

// Started describes a run as it starts.
type Started struct {
	Job     string
	Due     time.Time // for a manual run, when it was asked for
	Trigger domain.Trigger
	Actor   domain.Actor // who asked for a manual run
	At      time.Time    // when it started
}
