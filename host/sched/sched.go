// Package sched decides when each job runs and what its returns mean. It
// owns the schedule (a heap of due times served by one loop), runs every due
// job through a sandbox.Runner on its own goroutine, never overlapping a job
// with itself, and records each outcome in the store.
package sched

import (
	"container/heap"
	"context"
	"fmt"
	"hash/fnv"
	"sort"
	"sync"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/sandbox"
	"github.com/jobbox/jobbox/host/store"
)

// Spec is one configured job.
type Spec struct {
	sandbox.Job
	Interval time.Duration
	RunOnce  bool
	Active   bool // false: deactivated in config.toml
}

// State is where a job stands, as `jobbox jobs` shows it.
type State string

const (
	Waiting     State = "waiting"      // active; runs when its interval is up
	Running     State = "running"      // a run is in flight
	Sleeping    State = "sleeping"     // returned job.SLEEP; runs 24 h after that run began
	Stopped     State = "stopped"      // returned job.STOP; runs again after a reload
	Exited      State = "exited"       // returned job.EXIT; deactivated until re-activated
	Deactivated State = "deactivated"  // failed, or deactivated by an operator or the config
	OncePending State = "once-pending" // a Run Once job that has not run since the start
	OnceDone    State = "once-done"    // a Run Once job that has run since the start
)

// SleepPeriod is how long job.SLEEP waits, from the start of the run.
const SleepPeriod = 24 * time.Hour

// Service status values.
const (
	StatusStarting  = "starting"
	StatusRunning   = "running"
	StatusReloading = "reloading"
	StatusStopping  = "stopping"
)

// Report describes one finished run.
type Report struct {
	Job     string
	Due     time.Time
	Outcome sandbox.Outcome
	State   State     // the job's state after the run
	Next    time.Time // its next run, if one is scheduled
}

// Lateness is how long after its due time the run started.
func (r Report) Lateness() time.Duration { return r.Outcome.Start.Sub(r.Due) }

// Options configure a Scheduler.
type Options struct {
	Clock         clock.Clock
	Runner        sandbox.Runner
	Store         store.Store
	MaxConcurrent int // runs in flight at once; default 64
	HistorySize   int // runs kept per job; default 50
	// SpreadFirstRuns spreads the first runs of jobs that start together
	// across their first interval, each at a fixed point given by its name,
	// instead of all one interval after the start: 100,000 jobs at the
	// same interval then come due a few at a time, not at once.
	SpreadFirstRuns bool
	// OnReport is called after each run is recorded.
	OnReport func(Report)
	// OnError is called when the store fails; the schedule carries on.
	OnError func(error)
}

// Scheduler runs jobs on time. Its methods are safe for concurrent use.
type Scheduler struct {
	opts Options

	mu     sync.Mutex
	jobs   map[string]*entry
	known  map[string]store.JobState // stored states, including jobs not configured now
	queue  dueQueue
	status string

	wake       chan struct{}
	sem        chan struct{}
	runs       sync.WaitGroup
	runCtx     context.Context
	cancelRuns context.CancelFunc
	loopDone   chan struct{}
	stopLoop   context.CancelFunc
}

type entry struct {
	spec    Spec
	state   State
	next    time.Time
	gen     uint64 // bumped to invalidate this entry's queued items
	removed bool
	saved   store.JobState
	// saveMu orders this job's store writes as their states were computed.
	saveMu sync.Mutex
}

// New returns a scheduler; Start sets it going.
func New(opts Options) *Scheduler {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = 64
	}
	if opts.HistorySize <= 0 {
		opts.HistorySize = 50
	}
	return &Scheduler{
		opts:   opts,
		jobs:   map[string]*entry{},
		status: StatusStarting,
		wake:   make(chan struct{}, 1),
		sem:    make(chan struct{}, opts.MaxConcurrent),
	}
}

// Start loads the stored states, schedules specs and starts the loop. Each
// job's first run comes one interval from now, or at its stored SLEEP wake-up.
func (s *Scheduler) Start(ctx context.Context, specs []Spec) error {
	known, err := s.opts.Store.Jobs(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.known = known
	now := s.opts.Clock.Now()
	for _, spec := range specs {
		s.add(spec, now)
	}
	s.status = StatusRunning
	s.mu.Unlock()

	s.runCtx, s.cancelRuns = context.WithCancel(context.WithoutCancel(ctx))
	loopCtx, stop := context.WithCancel(ctx)
	s.stopLoop = stop
	s.loopDone = make(chan struct{})
	go s.loop(loopCtx)
	return nil
}

// add creates the entry of a job the schedule does not have yet.
func (s *Scheduler) add(spec Spec, now time.Time) {
	saved := s.known[spec.Name]
	saved.Name = spec.Name
	e := &entry{spec: spec, saved: saved}
	s.jobs[spec.Name] = e
	switch {
	case !spec.Active:
		e.state = Deactivated
	case saved.Deactivated && saved.Reason == store.ReasonExit:
		e.state = Exited
	case saved.Deactivated:
		e.state = Deactivated
	case spec.RunOnce:
		s.schedule(e, OncePending, now.Add(spec.Interval))
	case saved.SleepUntil.After(now):
		s.schedule(e, Sleeping, saved.SleepUntil)
	default:
		s.schedule(e, Waiting, s.firstRun(spec, now))
	}
}

// firstRun is when a job that has just been added first runs.
func (s *Scheduler) firstRun(spec Spec, now time.Time) time.Time {
	if !s.opts.SpreadFirstRuns || spec.Interval <= 0 {
		return now.Add(spec.Interval)
	}
	h := fnv.New64a()
	h.Write([]byte(spec.Name))
	return now.Add(time.Duration(h.Sum64()%uint64(spec.Interval)) + 1)
}

// schedule queues e to run at next. Call with s.mu held.
func (s *Scheduler) schedule(e *entry, state State, next time.Time) {
	e.state, e.next = state, next
	e.gen++
	heap.Push(&s.queue, queued{due: next, entry: e, gen: e.gen})
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// unschedule leaves e in state with no run queued. Call with s.mu held.
func (s *Scheduler) unschedule(e *entry, state State) {
	e.state, e.next = state, time.Time{}
	e.gen++
}

func (s *Scheduler) loop(ctx context.Context) {
	defer close(s.loopDone)
	// The timer is armed for the earliest due time and kept while that
	// stays the earliest: a finished run wakes the loop to queue its next
	// run, usually far behind the head.
	var timer clock.Timer
	var armed time.Time
	disarm := func() {
		if timer != nil {
			timer.Stop()
			timer, armed = nil, time.Time{}
		}
	}
	defer disarm()
	for {
		s.mu.Lock()
		now := s.opts.Clock.Now()
		var next time.Time
		for s.queue.Len() > 0 {
			top := s.queue[0]
			if top.gen != top.entry.gen || top.entry.removed {
				heap.Pop(&s.queue) // superseded by a later schedule or unschedule
				continue
			}
			if top.due.After(now) {
				next = top.due
				break
			}
			heap.Pop(&s.queue)
			s.dispatch(top.entry, top.due)
		}
		s.mu.Unlock()

		if !next.Equal(armed) {
			disarm()
			if !next.IsZero() {
				timer, armed = s.opts.Clock.NewTimerAt(next), next
			}
		}
		var fire <-chan time.Time
		if timer != nil {
			fire = timer.C()
		}
		select {
		case <-fire:
			timer, armed = nil, time.Time{}
		case <-s.wake:
		case <-ctx.Done():
			return
		}
	}
}

// dispatch starts a run of e. Call with s.mu held.
func (s *Scheduler) dispatch(e *entry, due time.Time) {
	s.unschedule(e, Running)
	spec := e.spec
	s.runs.Add(1)
	go func() {
		defer s.runs.Done()
		select {
		case s.sem <- struct{}{}:
		case <-s.runCtx.Done():
			return
		}
		out := s.opts.Runner.Run(s.runCtx, spec.Job)
		<-s.sem
		s.finish(e, due, out)
	}()
}

// finish applies the semantics table to a finished run and records it.
func (s *Scheduler) finish(e *entry, due time.Time, out sandbox.Outcome) {
	e.saveMu.Lock()
	defer e.saveMu.Unlock()

	s.mu.Lock()
	now := s.opts.Clock.Now()
	spec := e.spec
	st := e.saved
	st.LastRun, st.LastDuration = out.Start, out.Duration()
	st.LastStatus = out.Status.String()
	st.Runs++
	st.SleepUntil = time.Time{}
	shutdown := out.Status == abi.StatusError && s.runCtx.Err() != nil
	if out.Status == abi.StatusError {
		st.LastError = out.Error
	} else {
		st.LastError = ""
	}

	var state State
	var next time.Time
	switch {
	case shutdown:
		// A run cut short by the service stopping is not the job's fault.
		state = Waiting
	case out.Status == abi.StatusError:
		st.Deactivated, st.Reason = true, store.ReasonError
		state = Deactivated
	case out.Status == abi.StatusExit:
		st.Deactivated, st.Reason = true, store.ReasonExit
		state = Exited
	case st.Deactivated:
		// An operator deactivated the job while it ran.
		state = Deactivated
	case spec.RunOnce:
		state = OnceDone
	case out.Status == abi.StatusStop:
		state = Stopped
	case out.Status == abi.StatusSleep:
		st.SleepUntil = out.Start.Add(SleepPeriod)
		state, next = Sleeping, st.SleepUntil
	default:
		state, next = Waiting, nextSlot(due, spec.Interval, now)
	}
	e.saved = st
	s.known[spec.Name] = st
	if !e.removed && !shutdown {
		if next.IsZero() {
			s.unschedule(e, state)
		} else {
			s.schedule(e, state, next)
		}
	}
	s.mu.Unlock()

	run := store.Run{Job: spec.Name, Start: out.Start, End: out.End, Status: out.Status.String(), Error: out.Error, Logs: out.Logs}
	if err := s.opts.Store.RecordRun(context.WithoutCancel(s.runCtx), st, run, s.opts.HistorySize); err != nil && s.opts.OnError != nil {
		s.opts.OnError(fmt.Errorf("recording a run of job %q: %w", spec.Name, err))
	}
	if s.opts.OnReport != nil {
		s.opts.OnReport(Report{Job: spec.Name, Due: due, Outcome: out, State: state, Next: next})
	}
}

// nextSlot is the first due time after now on the job's grid (due + k *
// interval): a run that overran skips the slots it missed instead of
// running them back to back, and the job keeps its phase.
func nextSlot(due time.Time, interval time.Duration, now time.Time) time.Time {
	next := due.Add(interval)
	if next.After(now) {
		return next
	}
	missed := now.Sub(due) / interval
	return due.Add((missed + 1) * interval)
}

// Reload replaces the configured jobs. Jobs that keep their name keep their
// remaining time, unless the new interval is shorter; new jobs start a full
// interval; removed jobs stop; stopped jobs, and deactivated ones that were
// re-activated, run again one interval from now. Runs in flight go on.
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
			s.add(spec, now)
			continue
		}
		e.spec = spec
		switch {
		case e.state == Running:
			// The run finishes under the new spec.
		case !spec.Active:
			s.unschedule(e, Deactivated)
		case e.saved.Deactivated:
			// Stays deactivated until `jobbox activate`.
		case e.state == Stopped || e.state == Exited || e.state == Deactivated:
			state := Waiting
			if spec.RunOnce {
				state = OncePending
			}
			s.schedule(e, state, now.Add(spec.Interval))
		case e.state == Waiting || e.state == OncePending:
			if spec.RunOnce && e.state == Waiting {
				e.state = OncePending
			}
			if shorter := now.Add(spec.Interval); shorter.Before(e.next) {
				s.schedule(e, e.state, shorter)
			}
		}
		// Sleeping jobs keep their wake-up time; once-done jobs stay done.
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
		return fmt.Errorf("no job named %q is configured", name)
	}
	e.saveMu.Lock()
	defer e.saveMu.Unlock()
	s.mu.Lock()
	st := e.saved
	if active {
		st.Deactivated, st.Reason = false, ""
	} else {
		st.Deactivated, st.Reason = true, store.ReasonAdmin
		if e.state != Running {
			s.unschedule(e, Deactivated)
		}
	}
	e.saved = st
	s.known[name] = st
	s.mu.Unlock()
	return s.opts.Store.SaveJob(ctx, st)
}

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
}

// Jobs returns every configured job, sorted by name.
func (s *Scheduler) Jobs() []JobView {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]JobView, 0, len(s.jobs))
	for _, e := range s.jobs {
		out = append(out, JobView{
			Name: e.spec.Name, File: e.spec.File, Interval: e.spec.Interval, RunOnce: e.spec.RunOnce,
			State: e.state, LastStatus: e.saved.LastStatus, LastError: e.saved.LastError,
			LastRun: e.saved.LastRun, NextRun: e.next, Runs: e.saved.Runs,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Status is the service's status: starting, running, reloading or stopping.
func (s *Scheduler) Status() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Stop ends the loop and waits for runs in flight until ctx is done; then
// it cancels them (they end as cancelled, without deactivating their jobs)
// and waits for them to return.
func (s *Scheduler) Stop(ctx context.Context) {
	s.mu.Lock()
	s.status = StatusStopping
	s.mu.Unlock()
	if s.stopLoop == nil {
		return
	}
	s.stopLoop()
	<-s.loopDone
	done := make(chan struct{})
	go func() { s.runs.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.cancelRuns()
		<-done
	}
	s.cancelRuns()
}

// queued is one due run in the heap.
type queued struct {
	due   time.Time
	entry *entry
	gen   uint64
}

type dueQueue []queued

func (q dueQueue) Len() int           { return len(q) }
func (q dueQueue) Less(i, j int) bool { return q[i].due.Before(q[j].due) }
func (q dueQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *dueQueue) Push(x any)        { *q = append(*q, x.(queued)) }
func (q *dueQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}
