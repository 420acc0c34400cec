package sched

import (
	"slices"
	"strings"
	"time"
)

// JobView is one line of `jobbox jobs`.
type JobView struct {
	Name       string
	File       string
	Interval   time.Duration
	RunOnce    bool
	State      State
	LastStatus string
	LastError  string
	LastRun    time.Time
	NextRun    time.Time
	Runs       int64
	// Deactivation is the stored reason the job is deactivated (exit,
	// error, admin), empty when it is not: an activated job shows its old
	// state until the reload that schedules it.
	Deactivation string
}

// Job returns one configured job's line.
func (s *Scheduler) Job(name string) (JobView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.jobs[name]
	if !ok {
		return JobView{}, false
	}
	return view(e), true
}

// view is e's line. Call with s.mu held.
func view(e *entry) JobView {
	v := JobView{
		Name: e.spec.Name, File: e.spec.File, Interval: e.spec.Interval, RunOnce: e.spec.RunOnce,
		State: e.state, LastStatus: e.saved.LastStatus, LastError: e.saved.LastError,
		LastRun: e.saved.LastRun, NextRun: e.next, Runs: e.saved.Runs,
	}
	if e.saved.Deactivated {
		v.Deactivation = e.saved.Reason
	}
	return v
}

// Jobs returns every configured job, sorted by name.
func (s *Scheduler) Jobs() []JobView {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]JobView, 0, len(s.jobs))
	for _, e := range s.jobs {
		out = append(out, view(e))
	}
	slices.SortFunc(out, func(a, b JobView) int { return strings.Compare(a.Name, b.Name) })
	return out
}
