package sched

import (
	"context"

	"github.com/jobbox/jobbox/host/domain"
)

// Reload replaces the configured jobs. Jobs that keep their name keep their
// remaining time, unless the new interval is shorter; new jobs start a full
// interval; removed jobs stop; stopped jobs, and deactivated ones that were
// re-activated, run again one interval from now. Runs in flight go on, and
// due runs waiting for a slot start under the new spec.
func (s *Scheduler) Reload(specs []Spec) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = StatusReloading
	now := s.opts.Clock.Now()
	keep := map[string]bool{}
	for _, spec := range specs {
		keep[spec.Name] = true
	}
	for name, e := range s.jobs {
		if !keep[name] {
			e.removed = true
			e.gen++
			delete(s.jobs, name)
		}
	}
	for _, spec := range specs {
		e, ok := s.jobs[spec.Name]
		if !ok {
			s.add(spec, now, domain.TriggerReload)
			continue
		}
		e.spec = spec
		if e.resuming {
			// A manual run is in flight: the reload moves where it returns.
			if p, changed := onReload(spec, e.resume, e.saved, now); changed {
				e.resume = p
			}
		}
		if p, changed := onReload(spec, place{e.state, e.next}, e.saved, now); changed {
			e.trigger = domain.TriggerReload
			s.place(e, p)
		}
	}
	s.status = StatusRunning
}

// SetActive re-activates or deactivates a job in the store. Deactivation
// takes the job off the schedule at once (a run in flight finishes);
// re-activation takes effect at the next reload, as the Jobs API says.
func (s *Scheduler) SetActive(ctx context.Context, name string, active bool) error {
	s.mu.Lock()
	e, ok := s.jobs[name]
	s.mu.Unlock()
	if !ok {
		return &UnknownJobError{Name: name}
	}
	e.saveMu.Lock()
	defer e.saveMu.Unlock()
	s.mu.Lock()
	st, off := onSetActive(e.saved, e.state, active)
	if off {
		s.unschedule(e, Deactivated)
	}
	e.saved = st
	s.known[name] = st
	s.mu.Unlock()
	return s.opts.Store.SaveJob(ctx, st)
}
