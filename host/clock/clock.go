// Package clock is the time source of the scheduler and of the guests'
// helpers, so tests can drive both with a fake clock instead of sleeping.
package clock

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Clock tells the time and makes timers.
type Clock interface {
	Now() time.Time
	// NewTimerAt returns a timer that fires once at t, or at once if t has
	// passed. A deadline rather than a duration: a fake clock moved between
	// reading the time and making the timer still fires it on time.
	NewTimerAt(t time.Time) Timer
}

// Timer is the part of time.Timer the scheduler uses.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// Real is the system clock.
type Real struct{}

var _ Clock = Real{}

func (Real) Now() time.Time { return time.Now() }

// NewTimerAt returns a timer that fires within a fraction of a
// millisecond after t, unless the machine is too busy to run it. A time.Timer
// alone fires up to a millisecond late when the process is idle: the Go
// runtime then waits for it in epoll_wait, whose timeout is in whole
// milliseconds, rounded down and then up by one. A Real timer hands the
// last stretch to a nanosleep of its own, which the kernel ends within
// tens of microseconds.
func (Real) NewTimerAt(at time.Time) Timer {
	t := &realTimer{at: at, c: make(chan time.Time, 1)}
	t.t = time.AfterFunc(time.Until(at)-coarseTimerSlack, t.fire)
	return t
}

// coarseTimerSlack is how late a time.Timer may fire on an idle process.
const coarseTimerSlack = time.Millisecond

type realTimer struct {
	at    time.Time
	c     chan time.Time
	t     *time.Timer
	state atomic.Int32 // timerPending, then timerFired or timerStopped
}

const (
	timerPending = iota
	timerFired
	timerStopped
)

func (r *realTimer) fire() {
	if r.state.Load() == timerStopped {
		return
	}
	if rest := time.Until(r.at); rest > 0 {
		sleepPrecisely(rest)
	}
	if r.state.CompareAndSwap(timerPending, timerFired) {
		r.c <- time.Now() // buffered, and sent to once
	}
}

func (r *realTimer) C() <-chan time.Time { return r.c }

// Stop keeps the timer from firing and reports whether it had yet to.
func (r *realTimer) Stop() bool {
	r.t.Stop()
	return r.state.CompareAndSwap(timerPending, timerStopped)
}

// Fake is a clock that moves only when told to. Advance fires every timer
// that comes due, in order, before it returns.
type Fake struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	// changed is closed and replaced whenever a timer is created, so a test
	// can wait until the scheduler has armed its timer (WaitForTimers).
	changed chan struct{}
}

var _ Clock = (*Fake)(nil)

// NewFake returns a fake clock reading start.
func NewFake(start time.Time) *Fake {
	return &Fake{now: start, changed: make(chan struct{})}
}

func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *Fake) NewTimerAt(at time.Time) Timer {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := &fakeTimer{clock: f, at: at, c: make(chan time.Time, 1)}
	if !at.After(f.now) {
		t.c <- f.now
		t.fired = true
	} else {
		f.timers = append(f.timers, t)
	}
	close(f.changed)
	f.changed = make(chan struct{})
	return t
}

// Advance moves the clock forward by d, firing the timers that come due.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	slices.SortFunc(f.timers, func(a, b *fakeTimer) int { return a.at.Compare(b.at) })
	kept := f.timers[:0]
	for _, t := range f.timers {
		if !t.at.After(f.now) {
			t.c <- t.at
			t.fired = true
		} else {
			kept = append(kept, t)
		}
	}
	f.timers = kept
}

// Pending returns how many timers are armed and not yet fired.
func (f *Fake) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.timers)
}

// Changed returns a channel closed at the next NewTimerAt call.
func (f *Fake) Changed() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.changed
}

type fakeTimer struct {
	clock *Fake
	at    time.Time
	c     chan time.Time
	fired bool
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() bool {
	f := t.clock
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, x := range f.timers {
		if x == t {
			f.timers = append(f.timers[:i], f.timers[i+1:]...)
			return true
		}
	}
	return false
}
