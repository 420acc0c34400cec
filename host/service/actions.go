package service

import (
	"context"
	"fmt"

	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/store"
)

// AuditKeep is how many audit entries the store keeps, the oldest dropped
// first.
const AuditKeep = 100_000

// The actions below are what an operator does to the service. Each takes
// the actor who asked (the HTTP layer checks the actor's role first), is
// written to the audit log and the service log, refused or not, and
// announced on the event bus when it changed something.

// Activate clears a job's deactivation; the next reload schedules it.
func (s *Service) Activate(ctx context.Context, actor domain.Actor, job string) error {
	return s.setActive(ctx, actor, job, true)
}

// Deactivate takes a job off the schedule (a run in flight finishes).
func (s *Service) Deactivate(ctx context.Context, actor domain.Actor, job string) error {
	return s.setActive(ctx, actor, job, false)
}

func (s *Service) setActive(ctx context.Context, actor domain.Actor, job string, active bool) error {
	action := "deactivate"
	if active {
		action = "activate"
	}
	before := s.summary(job)
	err := s.sched.SetActive(ctx, job, active)
	v, ok := s.sched.Job(job)
	s.audit(ctx, actor, action, job, before, summaryOf(v, ok), err)
	if err == nil && !active {
		s.metrics.Deactivated(store.ReasonAdmin)
	}
	if err == nil {
		s.bus.Publish(Event{Time: s.opts.Clock.Now(), Kind: EventJobState, Job: job, State: string(v.State), Actor: actor.Name, Reason: action})
	}
	return err
}

// RunNow asks for a run of job now (sched.Scheduler.RunNow says how it
// waits for a run in flight and what its return does).
func (s *Service) RunNow(ctx context.Context, actor domain.Actor, job string) (sched.ManualRun, error) {
	before := s.summary(job)
	m, err := s.sched.RunNow(job, actor)
	var after string
	switch {
	case err != nil:
	case m.Duplicate:
		after = fmt.Sprintf("a manual run asked for by %s is already pending", m.Actor.Name)
	case m.AfterRunInFlight:
		after = "manual run queued after the run in flight"
	default:
		after = "manual run queued"
	}
	s.audit(ctx, actor, "run-now", job, before, after, err)
	return m, err
}

// ReloadAs re-reads the config file for actor, as Reload does.
func (s *Service) ReloadAs(ctx context.Context, actor domain.Actor) error {
	before := fmt.Sprintf("%d jobs", len(s.Config().Jobs))
	s.bus.Publish(Event{Time: s.opts.Clock.Now(), Kind: EventService, Status: sched.StatusReloading, Actor: actor.Name})
	err := s.reload()
	after := fmt.Sprintf("%d jobs", len(s.Config().Jobs))
	s.bus.Publish(Event{Time: s.opts.Clock.Now(), Kind: EventService, Status: s.sched.Status(), Actor: actor.Name})
	s.audit(ctx, actor, "reload", "", before, after, err)
	return err
}

// summary is a job's state as the audit log shows it.
func (s *Service) summary(job string) string { return summaryOf(s.sched.Job(job)) }

// summaryOf is summary of v, the view of a job; "" when there is none (!ok).
func summaryOf(v sched.JobView, ok bool) string {
	switch {
	case !ok:
		return ""
	case v.Deactivation != "":
		return fmt.Sprintf("%s (deactivated: %s)", v.State, v.Deactivation)
	}
	return string(v.State)
}

// audit writes an action to the service log and the store's audit log.
func (s *Service) audit(ctx context.Context, actor domain.Actor, action, job, before, after string, err error) {
	e := store.AuditEntry{Time: s.opts.Clock.Now().UTC(), Actor: actor.Name, From: actor.From, Action: action, Job: job, Before: before, After: after}
	ev := s.log.Info()
	if err != nil {
		e.Error = err.Error()
		ev = s.log.Warn().Str("error", e.Error)
	}
	ev.Str("actor", actor.Name).Str("from", actor.From).Str("action", action).Str("job", job).
		Str("before", before).Str("after", after).Msg("audit")
	if _, werr := s.store.AppendAudit(context.WithoutCancel(ctx), e, AuditKeep); werr != nil {
		s.log.Error().Err(werr).Str("action", action).Msg("the audit log could not be written")
	}
}

// Runs reads a page of a job's run history, newest first.
func (s *Service) Runs(ctx context.Context, job string, page store.Page) ([]store.Run, uint64, error) {
	return s.store.Runs(ctx, job, page)
}

// Audit reads a page of the audit log, newest first.
func (s *Service) Audit(ctx context.Context, page store.Page) ([]store.AuditEntry, uint64, error) {
	return s.store.Audit(ctx, page)
}

// Subscribe returns a feed of the service's events (see Bus); the caller
// must Close it.
func (s *Service) Subscribe() *Subscription { return s.bus.Subscribe() }

// Events is the service's event bus.
func (s *Service) Events() *Bus { return s.bus }
