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
	changes := s.reload(specs)
	if s.opts.OnStateChange != nil {
		for _, c := range changes {
			s.opts.OnStateChange(c)
		}
	}
}

// StateChange is a change of a job's state by a reload: From is empty for
// a job the reload added, To for one it removed.
type StateChange struct {
	Job      string
	From, To State
}

func (s *Scheduler) reload(specs []Spec) []StateChange {
	s.mu.Lock()
	defer s.mu.Unlock()
	var changes []StateChange
	s.status = StatusReloading
	now := s.opts.Clock.Now()
	keep := map[string]bool{}
	for _, spec := range specs {
		keep[spec.Name] = true
	}
	for name, e := range s.jobs {
		if !keep[name] {
			changes = append(changes, StateChange{Job: name, From: e.state})
			s.remove(e)
		}
	}
	for _, spec := range specs {
		e, ok := s.jobs[spec.Name]
		if !ok {
			s.add(spec, now, domain.TriggerReload)
			changes = append(changes, StateChange{Job: spec.Name, To: s.jobs[spec.Name].state})
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
			if p.state != e.state {
				changes = append(changes, StateChange{Job: spec.Name, From: e.state, To: p.state})
			}
			e.trigger = domain.TriggerReload
			s.place(e, p)
		}
	}
	s.status = StatusRunning
	return changes
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
