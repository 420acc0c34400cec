package sched

import (
	"container/heap"
	"context"
	"fmt"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/store"
)

// loop moves due runs to the ready queue and starts them as slots free up.
// It wakes when the earliest due time comes, when the schedule changes and
// when a slot or a place in flight frees.
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
	var synced []chan struct{}
	for {
		next := s.pass()
		for _, done := range synced {
			close(done)
		}
		synced = synced[:0]
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
		case done := <-s.sync:
			synced = append(synced, done)
		case <-ctx.Done():
			return
		}
	}
}

// pass queues the runs that are due, starts what the slots allow, and
// returns the next due time (zero if none).
func (s *Scheduler) pass() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Clock.Now()
	var next time.Time
	for s.queue.Len() > 0 {
		top := s.queue[0]
		if top.stale() {
			heap.Pop(&s.queue)
			continue
		}
		if top.due.After(now) {
			next = top.due
			break
		}
		heap.Pop(&s.queue)
		s.ready.push(top)
	}
	s.startReady()
	return next
}

// startReady starts ready runs, earliest due first, while a place in flight
// and a CPU slot are free: a run's goroutine exists only once it holds
// both. Call with s.mu held.
func (s *Scheduler) startReady() {
	for s.inFlight < s.opts.MaxInFlight {
		q, ok := s.ready.head()
		if !ok {
			s.starved.Store(false)
			return
		}
		// Set before trying, so a slot freed just after a failed try
		// still wakes the loop.
		s.starved.Store(true)
		if !s.cpu.tryAcquire() {
			return
		}
		s.ready.pop()
		e := q.entry
		s.unschedule(e, Running)
		s.inFlight++
		s.started++
		s.runs.Add(1)
		go s.run(e, q.due, e.spec)
	}
}

// run runs one job, holding the CPU slot startReady took for it except
// while the sandbox hands it back (see domain.Slot).
func (s *Scheduler) run(e *entry, due time.Time, spec Spec) {
	defer s.runs.Done()
	slot := &runSlot{slots: s.cpu}
	slot.held.Store(true)
	out := s.opts.Runner.Run(domain.WithSlot(s.runCtx, slot), spec.Job)
	slot.Release()
	s.finish(e, due, out)

	s.mu.Lock()
	s.inFlight--
	s.idle.Broadcast()
	s.mu.Unlock()
	s.poke()
}

// poke wakes the loop without waiting for it.
func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// finish applies the semantics table to a finished run, records it, and
// then, holding no lock, reports it.
func (s *Scheduler) finish(e *entry, due time.Time, out domain.Outcome) {
	shutdown := out.Status == abi.StatusError && s.runCtx.Err() != nil
	e.saveMu.Lock()
	s.mu.Lock()
	spec := e.spec
	st, p := afterRun(spec, e.saved, out, due, s.opts.Clock.Now(), shutdown)
	e.saved = st
	s.known[spec.Name] = st
	if !e.removed && !shutdown {
		s.place(e, p)
	}
	s.mu.Unlock()
	s.record(st, out)
	e.saveMu.Unlock()

	if s.opts.OnReport != nil {
		s.opts.OnReport(Report{Job: spec.Name, Due: due, Outcome: out, State: p.state, Next: p.next})
	}
}

// record stores a finished run and the job's state after it.
func (s *Scheduler) record(st store.JobState, out domain.Outcome) {
	run := store.Run{Job: st.Name, Start: out.Start, End: out.End, Status: out.Status.String(), Error: out.Error, Logs: out.Logs}
	err := s.opts.Store.RecordRun(context.WithoutCancel(s.runCtx), st, run, s.opts.HistorySize)
	if err != nil && s.opts.OnError != nil {
		s.opts.OnError(fmt.Errorf("recording a run of job %q: %w", st.Name, err))
	}
}
