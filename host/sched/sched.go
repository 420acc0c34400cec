// Package sched decides when each job runs and what its returns mean. It
// owns the schedule (a heap of due times served by one loop), starts each
// due run through a domain.Runner once a CPU slot is free, never overlapping
// a job with itself, and records each outcome in the store. The rules of
// README.md's semantics table are pure functions (rules.go) the loop applies.
package sched

import (
	"container/heap"
	"context"
	"hash/fnv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/store"
)

// Spec is one configured job.
type Spec struct {
	domain.Job
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
	Due     time.Time // for a manual run, when it was asked for
	Trigger domain.Trigger
	Actor   domain.Actor // who asked for a manual run
	Outcome domain.Outcome
	State   State     // the job's state after the run
	Next    time.Time // its next run, if one is scheduled
}

// Lateness is how long after its due time the run started.
func (r Report) Lateness() time.Duration { return r.Outcome.Start.Sub(r.Due) }

// Options configure a Scheduler.
type Options struct {
	Clock  clock.Clock
	Runner domain.Runner
	Store  store.Store
	// MaxConcurrent bounds the runs executing guest code at once (CPU
	// slots); default 64. A run gives its slot up while it sleeps or waits
	// on a module call (domain.Slot).
	MaxConcurrent int
	// MaxInFlight bounds the runs started and not yet finished, sleeping
	// or waiting ones included: what bounds the memory of runs. It is at
	// least MaxConcurrent, and 4 × MaxConcurrent when zero.
	MaxInFlight int
	HistorySize int // runs kept per job; default 50
	// SpreadFirstRuns spreads the first runs of jobs that start together
	// across their first interval, each at a fixed point given by its name,
	// instead of all one interval after the start: 100,000 jobs at the
	// same interval then come due a few at a time, not at once.
	SpreadFirstRuns bool
	// OnStart is called as each run starts, without locks held, before
	// the runner is called; OnReport after each run is recorded. Both run
	// on the run's goroutine: they must not block.
	OnStart  func(Started)
	OnReport func(Report)
	// OnStateChange is called after a reload, without locks held, for
	// each job whose state the reload changed.
	OnStateChange func(StateChange)
	// OnError is called when the store fails; the schedule carries on.
	OnError func(error)
}

// Scheduler runs jobs on time. Its methods are safe for concurrent use.
type Scheduler struct {
	opts Options

	mu       sync.Mutex
	jobs     map[string]*entry
	byState  map[State]int             // the jobs in each state, kept by setState for Census
	known    map[string]store.JobState // stored states, including jobs not configured now
	queue    dueQueue                  // runs not yet due
	ready    readyQueue                // due runs waiting for a slot
	inFlight int                       // runs started and not finished
	started  uint64                    // runs started since New
	idle     *sync.Cond                // broadcast, on mu, as each run ends
	status   string

	cpu        *slots
	starved    atomic.Bool // a ready run waits for a CPU slot
	wake       chan struct{}
	sync       chan chan struct{} // a loop pass on request (tests)
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
	gen     uint64 // bumped to invalidate this entry's queued runs
	removed bool
	// trigger is what the next scheduled run is for: a reload's place, or
	// the schedule.
	trigger domain.Trigger
	// manual is the run RunNow asked for that has not started; resume is
	// where the job stood when a manual run started, for afterManual.
	manual   *manualRun
	resume   place
	resuming bool // a manual run is in flight: resume is where it returns
	saved    store.JobState
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
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = 4 * opts.MaxConcurrent
	}
	opts.MaxInFlight = max(opts.MaxInFlight, opts.MaxConcurrent)
	if opts.HistorySize <= 0 {
		opts.HistorySize = 50
	}
	s := &Scheduler{
		opts:    opts,
		jobs:    map[string]*entry{},
		byState: map[State]int{},
		status:  StatusStarting,
		wake:    make(chan struct{}, 1),
		sync:    make(chan chan struct{}),
	}
	s.idle = sync.NewCond(&s.mu)
	// A freed slot wakes the loop only when a ready run waits for one: a
	// job calling core.sleep(0) in a loop must not spin the dispatcher.
	s.cpu = newSlots(opts.MaxConcurrent, func() {
		if s.starved.Load() {
			s.poke()
		}
	})
	return s
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
		s.add(spec, now, domain.TriggerSchedule)
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

// add creates the entry of a job the schedule does not have yet, whose
// first run is for trigger. Call with s.mu held.
func (s *Scheduler) add(spec Spec, now time.Time, trigger domain.Trigger) {
	saved := s.known[spec.Name]
	saved.Name = spec.Name
	e := &entry{spec: spec, saved: saved, trigger: trigger}
	s.jobs[spec.Name] = e
	s.place(e, onAdd(spec, saved, now, s.firstRun(spec, now)))
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

// place applies a rule's result to e. Call with s.mu held.
func (s *Scheduler) place(e *entry, p place) {
	if p.next.IsZero() {
		s.unschedule(e, p.state)
	} else {
		s.schedule(e, p.state, p.next)
	}
}

// schedule queues e to run at next. Call with s.mu held.
func (s *Scheduler) schedule(e *entry, state State, next time.Time) {
	s.setState(e, state)
	e.next = next
	e.gen++
	trigger := e.trigger
	if trigger == "" {
		trigger = domain.TriggerSchedule
	}
	heap.Push(&s.queue, queued{due: next, entry: e, gen: e.gen, trigger: trigger})
	s.poke()
}

// unschedule leaves e in state with no run queued. A job that leaves the
// schedule drops its pending manual run too. Call with s.mu held.
func (s *Scheduler) unschedule(e *entry, state State) {
	s.setState(e, state)
	e.next = time.Time{}
	e.gen++
	if state == Deactivated || state == Exited {
		e.manual = nil
	}
}

// setState moves e to state and counts it there, so a census need not
// visit every job. A new entry's state is empty and a removed one's is no
// longer counted. Call with s.mu held.
func (s *Scheduler) setState(e *entry, state State) {
	if !e.removed {
		if e.state != "" {
			s.byState[e.state]--
		}
		s.byState[state]++
	}
	e.state = state
}

// remove takes e off the schedule and out of the census; its queued runs
// go stale, and a run in flight ends without placing it. Call with s.mu
// held.
func (s *Scheduler) remove(e *entry) {
	s.byState[e.state]--
	e.removed = true
	e.gen++
	delete(s.jobs, e.spec.Name)
}

// Status is the service's status: starting, running, reloading or stopping.
func (s *Scheduler) Status() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Stop ends the loop and waits for runs in flight until ctx is done; then
// it cancels them (they end as cancelled, without deactivating their jobs)
// and waits for them to return. Due runs that have not started stay due.
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
