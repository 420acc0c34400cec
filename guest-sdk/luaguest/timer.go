package main

import (
	"fmt"
	"math"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	sdk "github.com/jobbox/jobbox/guest-sdk"
)

// core.timer(seconds, callback[, recurring][, args...]) as the Coronium
// docs' timer.md describes it, within one run: the call returns a timer at
// once, and the callback runs when the timer is due while the job sleeps
// (core.sleep) or after job.run has returned, before the run ends. A run
// therefore lasts until its last timer has fired or been cancelled; a
// recurring timer never cancelled runs into the job's time limit, which ends
// the run with an error, as the docs warn it would run forever.

// maxPendingTimers is OpenResty's default lua_max_pending_timers, the
// limit Coronium's timers live under.
const maxPendingTimers = 1024

type timerQueue struct {
	now     func() (time.Time, error)
	wait    func(time.Duration) error
	pending []*luaTimer
	firing  bool // a callback is running: its core.sleep fires no others
}

type luaTimer struct {
	due       time.Time
	every     time.Duration // 0 for a one-shot timer
	fn        *lua.LFunction
	args      []lua.LValue
	cancelled bool
}

// timerQueues holds each Lua state's timers. A guest instance has one
// state per run; the tests run many side by side.
var timerQueues sync.Map // *lua.LState -> *timerQueue

// queueOf returns L's timer queue, making it at the state's first timer
// (not at every call: LoadOrStore's argument would be made each time).
func queueOf(L *lua.LState) *timerQueue {
	if q, ok := timerQueues.Load(L); ok {
		return q.(*timerQueue)
	}
	q, _ := timerQueues.LoadOrStore(L, &timerQueue{now: sdk.Now, wait: sdk.Wait})
	return q.(*timerQueue)
}

// coreTimer implements core.timer: a timer object, or nil and an error.
func coreTimer(L *lua.LState) int {
	seconds, ok := L.Get(1).(lua.LNumber)
	fn, isFn := L.Get(2).(*lua.LFunction)
	recurring := lua.LVAsBool(L.Get(3))
	var problem string
	switch {
	case !ok || math.IsNaN(float64(seconds)) || seconds < 0 || seconds > 1e9:
		problem = "seconds must be a number from 0"
	case recurring && seconds == 0:
		problem = "a recurring timer needs seconds above 0"
	case !isFn:
		problem = "the callback must be a function"
	case len(queueOf(L).pending) >= maxPendingTimers:
		problem = fmt.Sprintf("too many pending timers (at most %d)", maxPendingTimers)
	}
	if problem != "" {
		L.Push(lua.LNil)
		L.Push(lua.LString("core.timer: " + problem))
		return 2
	}
	q := queueOf(L)
	now, err := q.now()
	if err != nil {
		L.RaiseError("core.timer: %s", err.Error())
	}
	t := &luaTimer{fn: fn, due: now.Add(time.Duration(float64(seconds) * float64(time.Second)))}
	if recurring {
		t.every = t.due.Sub(now)
	}
	for i := 4; i <= L.GetTop(); i++ {
		t.args = append(t.args, L.Get(i))
	}
	q.pending = append(q.pending, t)
	L.Push(timerObject(L, t))
	return 1
}

// timerObject is the job's handle: t:cancel() stops the timer.
func timerObject(L *lua.LState, t *luaTimer) *lua.LTable {
	obj := L.NewTable()
	L.SetField(obj, "cancel", L.NewFunction(func(L *lua.LState) int {
		t.cancelled = true
		L.Push(lua.LTrue)
		return 1
	}))
	return obj
}

// next drops cancelled timers and returns the earliest due, or nil.
func (q *timerQueue) next() *luaTimer {
	live := q.pending[:0]
	var first *luaTimer
	for _, t := range q.pending {
		if t.cancelled {
			continue
		}
		live = append(live, t)
		if first == nil || t.due.Before(first.due) {
			first = t
		}
	}
	clear(q.pending[len(live):])
	q.pending = live
	return first
}

// fire waits until t is due and runs its callback; a recurring timer is
// due again an interval after it was due this time, as ngx.timer.every
// re-arms before its callback runs.
func (q *timerQueue) fire(L *lua.LState, t *luaTimer) error {
	if err := q.waitUntil(t.due); err != nil {
		return err
	}
	if t.every > 0 {
		t.due = t.due.Add(t.every)
	} else {
		t.cancelled = true
	}
	q.firing = true
	defer func() { q.firing = false }()
	L.Push(t.fn)
	for _, a := range t.args {
		L.Push(a)
	}
	if err := L.PCall(len(t.args), 0, nil); err != nil {
		return fmt.Errorf("core.timer callback: %w", luaError(err))
	}
	return nil
}

func (q *timerQueue) waitUntil(when time.Time) error {
	now, err := q.now()
	if err != nil {
		return err
	}
	if d := when.Sub(now); d > 0 {
		return q.wait(d)
	}
	return nil
}

// sleep is core.sleep: it pauses for d, firing the timers due meanwhile.
func (q *timerQueue) sleep(L *lua.LState, d time.Duration) error {
	if q.firing || len(q.pending) == 0 {
		return q.wait(d)
	}
	now, err := q.now()
	if err != nil {
		return err
	}
	end := now.Add(d)
	for t := q.next(); t != nil && !t.due.After(end); t = q.next() {
		if err := q.fire(L, t); err != nil {
			return err
		}
	}
	return q.waitUntil(end)
}

// runTimers fires the timers still pending when job.run has returned, in
// the order they fall due, and forgets the state's queue.
func runTimers(L *lua.LState) error {
	v, ok := timerQueues.LoadAndDelete(L)
	if !ok {
		return nil
	}
	q := v.(*timerQueue)
	for t := q.next(); t != nil; t = q.next() {
		if err := q.fire(L, t); err != nil {
			return err
		}
	}
	return nil
}

// coreSleep implements core.sleep(seconds): on the host, without CPU; a
// sleep past the time limit ends the run at the limit.
func coreSleep(L *lua.LState) int {
	seconds := float64(L.CheckNumber(1))
	if seconds < 0 || math.IsNaN(seconds) || seconds > 1e9 {
		L.ArgError(1, "seconds must be a number from 0")
	}
	d := time.Duration(seconds * float64(time.Second))
	var err error
	if q, ok := timerQueues.Load(L); ok {
		err = q.(*timerQueue).sleep(L, d)
	} else {
		err = sdk.Wait(d)
	}
	if err != nil {
		L.RaiseError("core.sleep: %s", err.Error())
	}
	return 0
}
