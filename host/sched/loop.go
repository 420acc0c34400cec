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
		if q.manual != nil && q.entry.state == Running {
			// A scheduled run started first: its finish queues this again.
			s.ready.pop()
			continue
		}
		// Set before trying, so a slot freed just after a failed try
		// still wakes the loop.
		s.starved.Store(true)
		if !s.cpu.tryAcquire() {
			return
		}
		s.ready.pop()
		e := q.entry
		st := start{due: q.due, trigger: q.trigger}
		if q.manual != nil {
			st.actor = q.manual.actor
			e.manual, e.resume, e.resuming = nil, place{e.state, e.next}, true
		}
		s.unschedule(e, Running)
		s.inFlight++
		s.started++
		s.runs.Add(1)
		go s.run(e, st, e.spec)
	}
}

// start is what a run is for: its due time, trigger and, for a manual
// run, who asked for it.
type start struct {
	due     time.Time
	trigger domain.Trigger
	actor   domain.Actor
}

func (st start) manual() bool { return st.trigger == domain.TriggerManual }

// run runs one job, holding the CPU slot startReady took for it except
// while the sandbox hands it back (see domain.Slot).
func (s *Scheduler) run(e *entry, st start, spec Spec) {
	defer s.runs.Done()
	if s.opts.OnStart != nil {
		s.opts.OnStart(Started{Job: spec.Name, Due: st.due, Trigger: st.trigger, Actor: st.actor, At: s.opts.Clock.Now()})
	}
	slot := &runSlot{slots: s.cpu}
	slot.held.Store(true)
	out := s.opts.Runner.Run(domain.WithSlot(s.runCtx, slot), spec.Job)
	slot.Release()
	s.finish(e, st, out)

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
// then, holding no lock, reports it. A manual run asked for while this one
// ran is queued now.
func (s *Scheduler) finish(e *entry, run start, out domain.Outcome) {
	shutdown := out.Status == abi.StatusError && s.runCtx.Err() != nil
	e.saveMu.Lock()
	s.mu.Lock()
	spec := e.spec
	now := s.opts.Clock.Now()
	var st store.JobState
	var p place
	if run.manual() {
		st, p = afterManual(spec, e.saved, out, e.resume, now, shutdown)
		e.resuming = false
	} else {
		st, p = afterRun(spec, e.saved, out, run.due, now, shutdown)
	}
	e.saved = st
	s.known[spec.Name] = st
	if !e.removed && !shutdown {
		e.trigger = domain.TriggerSchedule
		s.place(e, p)
		if m := e.manual; m != nil {
			s.ready.push(queued{due: m.requested, entry: e, trigger: domain.TriggerManual, manual: m})
		}
	}
	s.mu.Unlock()
	s.record(st, run, out)
	e.saveMu.Unlock()

	if s.opts.OnReport != nil {
		s.opts.OnReport(Report{Job: spec.Name, Due: run.due, Trigger: run.trigger, Actor: run.actor,
			Outcome: out, State: p.state, Next: p.next})
	}
}

// record stores a finished run and the job's state after it.
func (s *Scheduler) record(st store.JobState, r start, out domain.Outcome) {
	run := store.Run{Job: st.Name, Start: out.Start, End: out.End, Status: out.Status.String(), Error: out.Error, Logs: out.Logs,
		Due: r.due, Trigger: string(r.trigger), Actor: r.actor.Name, From: r.actor.From}
	err := s.opts.Store.RecordRun(context.WithoutCancel(s.runCtx), st, run, s.opts.HistorySize)
	if err != nil && s.opts.OnError != nil {
		s.opts.OnError(fmt.Errorf("recording a run of job %q: %w", st.Name, err))
	}
}
