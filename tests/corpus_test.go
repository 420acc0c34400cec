package tests

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/bench"
	"github.com/jobbox/jobbox/host/sandbox"
)

// TestHostileCorpus runs every job of the hostile corpus (bench.LoadCorpus:
// the Lua files in tests/hostile/ and the guests in tests/guests/ with a
// .expect file) directly, each under bench.CorpusLimits: every one must end
// in ERROR with the error its expectation names.
func TestHostileCorpus(t *testing.T) {
	t.Parallel()
	e := engineAt(t, monday)
	for _, j := range hostileCorpus(t) {
		t.Run(j.Name, func(t *testing.T) {
			t.Parallel()
			out := e.Run(context.Background(), sandbox.Job{Name: j.Name, File: j.File, Limits: bench.CorpusLimits()})
			if out.Status != abi.StatusError || !strings.Contains(out.Error, j.ErrHas) {
				t.Fatalf("%s: got %v %q; want ERROR containing %q", j.File, out.Status, out.Error, j.ErrHas)
			}
		})
	}
}

func hostileCorpus(t *testing.T) []bench.CorpusJob {
	t.Helper()
	jobs, err := bench.LoadCorpus(".")
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

// testGuest is the job that runs tests/guests/name.wasm.
func testGuest(name string) sandbox.Job {
	return sandbox.Job{Name: name, File: filepath.Join("guests", name+".wasm")}
}

// TestBadPointersNeverTrapTheHost hands every host function out-of-range
// and overflowing ranges; the guest checks each answer is "bad pointer".
func TestBadPointersNeverTrapTheHost(t *testing.T) {
	t.Parallel()
	runsOK(t, "bad-pointers")
}

// runsOK runs tests/guests/name.wasm and fails the test unless the guest
// returns OK, which is how these guests say every check passed.
func runsOK(t *testing.T, name string) {
	t.Helper()
	out := engineAt(t, monday).Run(context.Background(), testGuest(name))
	if out.Status != abi.StatusOK {
		t.Fatalf("%s: got %v %q; want OK", name, out.Status, out.Error)
	}
}

// TestRunsAreIsolated checks that no run sees what an earlier run left:
// a Go guest's package variables, and a Lua job's globals and string
// metatable, which the next run of another job must find pristine.
func TestRunsAreIsolated(t *testing.T) {
	t.Parallel()
	e := engineAt(t, monday)
	ctx := context.Background()
	for i := range 3 {
		out := e.Run(ctx, testGuest("stateful"))
		if out.Status != abi.StatusOK {
			t.Fatalf("run %d: %v %q", i, out.Status, out.Error)
		}
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "taint.lua"), `local job = core.job()
function job.run()
  getmetatable("").__index.upper = function() return "pwned" end
  leaked = "secret"
  core.job = nil
  return job.OK
end
return job
`)
	writeFile(t, filepath.Join(dir, "victim.lua"), `local job = core.job()
function job.run()
  if ("x"):upper() ~= "X" then error("string metatable leaked from another run") end
  if leaked ~= nil then error("global leaked from another run") end
  return job.OK
end
return job
`)
	for i := range 2 {
		for _, name := range []string{"taint", "victim"} {
			out := e.Run(ctx, sandbox.Job{Name: name, File: filepath.Join(dir, name+".lua")})
			if out.Status != abi.StatusOK {
				t.Fatalf("round %d, %s: %v %q", i, name, out.Status, out.Error)
			}
		}
	}
}

// TestHostCallsRefusedWhileInitialising: a guest initialises and prepares
// once per snapshot, not once per run, so neither may reach the host, but
// for sources while it prepares. The guest's run succeeds only if the host
// answered each call as the ABI says, from a clone or a fresh instance.
func TestHostCallsRefusedWhileInitialising(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]sandbox.Options{"clone": {}, "fresh": {FreshInstances: true}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var logged []string
			opts.OnLog = func(_, line string) {
				mu.Lock()
				defer mu.Unlock()
				logged = append(logged, line)
			}
			e, err := sandbox.New(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close(context.Background())
			for range 2 {
				out := e.Run(context.Background(), testGuest("init-calls-host"))
				if out.Status != abi.StatusOK || len(out.Logs) != 0 {
					t.Fatalf("got %v %q, logs %q; want OK with nothing logged", out.Status, out.Error, out.Logs)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if len(logged) != 0 {
				t.Fatalf("initialisation logged %q", logged)
			}
		})
	}
}

// TestRunsCannotCloseTheirStreams: instances are reused, and WASI's open
// files are the one part of an instance a reset cannot put back, so the
// calls that change them are refused.
func TestRunsCannotCloseTheirStreams(t *testing.T) {
	t.Parallel()
	e := engineAt(t, monday)
	for range 3 {
		out := e.Run(context.Background(), testGuest("close-stdout"))
		if out.Status != abi.StatusOK {
			t.Fatalf("got %v %q; want OK: fd_close and fd_renumber refused", out.Status, out.Error)
		}
	}
}

// TestLuaRandomIsFreshEachRun: every run starts from one snapshot, but
// math.random must not repeat from run to run, and math.randomseed must
// make it repeatable as Lua documents.
func TestLuaRandomIsFreshEachRun(t *testing.T) {
	t.Parallel()
	e := engineAt(t, monday)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "random.lua"), `local job = core.job()
function job.run()
  core.log(math.random(1, 1000000000), math.random())
  math.randomseed(42)
  core.log(math.random(1, 1000000000), math.random(6))
  return job.OK
end
return job
`)
	var first, seeded []string
	for range 3 {
		out := e.Run(context.Background(), sandbox.Job{Name: "random", File: filepath.Join(dir, "random.lua")})
		if out.Status != abi.StatusOK || len(out.Logs) != 2 {
			t.Fatalf("got %v %q %q", out.Status, out.Error, out.Logs)
		}
		first, seeded = append(first, out.Logs[0]), append(seeded, out.Logs[1])
	}
	if first[0] == first[1] || first[1] == first[2] {
		t.Errorf("math.random repeated across runs: %q", first)
	}
	if seeded[0] != seeded[1] || seeded[1] != seeded[2] {
		t.Errorf("math.randomseed(42) gave different sequences: %q", seeded)
	}
}
