package main

import (
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// fakeTimers gives L a timer queue on a clock that only waits move.
func fakeTimers(L *lua.LState) *[]time.Duration {
	clock := time.Unix(1_700_000_000, 0)
	var waits []time.Duration
	timerQueues.Store(L, &timerQueue{
		now: func() (time.Time, error) { return clock, nil },
		wait: func(d time.Duration) error {
			waits = append(waits, d)
			clock = clock.Add(d)
			return nil
		},
	})
	return &waits
}

// runTimerJob runs src as a job's main chunk, then the pending timers, as
// runJob does, and returns the log the job kept in the global `out`.
func runTimerJob(t *testing.T, src string) (string, []time.Duration, error) {
	t.Helper()
	L := newState()
	defer L.Close()
	waits := fakeTimers(L)
	L.SetGlobal("out", lua.LString(""))
	if err := L.DoString("local function note(s) out = out .. s .. ';' end\n" + src); err != nil {
		return "", *waits, err
	}
	err := runTimers(L)
	return lua.LVAsString(L.GetGlobal("out")), *waits, err
}

func TestTimer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, src, out string
		waits          []time.Duration
	}{
		{"one shot after run", `local t, err = core.timer(5, function() note("late") end); assert(t and not err); note("returned")`,
			"returned;late;", []time.Duration{5 * time.Second}},
		{"extra args", `core.timer(5, function(name, n) note(name .. n) end, false, "Dave", 2)`,
			"Dave2;", []time.Duration{5 * time.Second}},
		{"recurring until cancel", `local t; local cnt = 1
			t = core.timer(5, function() note("cb" .. cnt); cnt = cnt + 1; if cnt > 3 then t:cancel() end end, true)`,
			"cb1;cb2;cb3;", []time.Duration{5 * time.Second, 5 * time.Second, 5 * time.Second}},
		{"fires during sleep", `core.timer(2, function() note("timer") end); core.sleep(5); note("woke")`,
			"timer;woke;", []time.Duration{2 * time.Second, 3 * time.Second}},
		{"due order", `core.timer(3, function() note("b") end); core.timer(1, function() note("a") end)`,
			"a;b;", []time.Duration{time.Second, 2 * time.Second}},
		{"cancelled never fires", `local t = core.timer(3, function() note("x") end); t:cancel()`, "", nil},
		{"bad arguments", `local t, err = core.timer(-1, print); note(tostring(t) .. " " .. err)
			local t2, err2 = core.timer(1, "f"); note(err2); local t3, err3 = core.timer(0, print, true); note(err3)`,
			"nil core.timer: seconds must be a number from 0;core.timer: the callback must be a function;core.timer: a recurring timer needs seconds above 0;", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, waits, err := runTimerJob(t, tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if out != tc.out {
				t.Errorf("log %q, want %q", out, tc.out)
			}
			if len(waits) != len(tc.waits) {
				t.Fatalf("waits %v, want %v", waits, tc.waits)
			}
			for i := range waits {
				if waits[i] != tc.waits[i] {
					t.Fatalf("waits %v, want %v", waits, tc.waits)
				}
			}
		})
	}
}

func TestTimerCallbackErrorEndsRun(t *testing.T) {
	t.Parallel()
	_, _, err := runTimerJob(t, `core.timer(1, function() error("boom") end)`)
	if err == nil || !strings.Contains(err.Error(), "core.timer callback: ") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("error %v, want the callback's", err)
	}
}

func TestTimerLimit(t *testing.T) {
	t.Parallel()
	out, _, err := runTimerJob(t, `for i = 1, 1024 do assert(core.timer(1, function() end)) end
		local t, err = core.timer(1, function() end); note(tostring(t) .. " " .. err)`)
	if err != nil || !strings.Contains(out, "nil core.timer: too many pending timers") {
		t.Fatalf("log %q, error %v", out, err)
	}
}
