package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
)

// newTestEngine starts an engine of the test's own, for tests that look at
// its snapshots.
func newCachedEngine(t *testing.T, opts Options) *Engine {
	t.Helper()
	opts.Now = testEngine(t).opts.Now
	// Compiling the Lua guest is the slow part of a new engine.
	opts.CacheDir = testCacheDir()
	return newTestEngine(t, opts)
}

// takeSnapshot has e's Lua pool take a snapshot now, holding the job files
// e knows.
func takeSnapshot(t *testing.T, e *Engine) {
	t.Helper()
	inst, err := e.lua.pool.clone(context.Background(), DefaultLimits(), replaceNow)
	if err != nil {
		t.Fatal(err)
	}
	inst.close(context.Background())
}

func luaWith(body string) string {
	return body + "\nlocal job = core.job()\nfunction job.run() return true end\nreturn job\n"
}

// TestSnapshotFetchesSourcesPastTheSDKBuffer: job files past the SDK's
// 16 KiB buffer reach the Lua guest while it prepares, by result.
func TestSnapshotFetchesSourcesPastTheSDKBuffer(t *testing.T) {
	t.Parallel()
	var fetched atomic.Int64
	e := newCachedEngine(t, Options{hostOverrides: map[string]hostImpl{
		abi.FuncResult: func(ctx context.Context, rs *runState, in []byte) ([]byte, abi.Code) {
			out, code := hostResult(ctx, rs, in)
			if rs.stage == stagePreparing && code == abi.CodeOK {
				fetched.Store(int64(len(out)))
			}
			return out, code
		},
	}})
	ctx := context.Background()
	for i := range 3 {
		job := writeJob(t, fmt.Sprintf("big%d.lua", i), luaWith("--"+strings.Repeat("x", 8<<10)))
		if err := e.Prepare(ctx, job); err != nil {
			t.Fatal(err)
		}
	}
	// The filler may have taken a snapshot while the files were being
	// prepared: age it, so the one taken below holds all three.
	e.lua.pool.mu.Lock()
	if im := e.lua.pool.image; im != nil {
		im.made = time.Now().Add(-snapshotSourcesAge)
	}
	e.lua.pool.mu.Unlock()
	takeSnapshot(t, e)
	if n := fetched.Load(); n < 24<<10 {
		t.Fatalf("the Lua guest fetched %d bytes of sources while preparing; want all 24 KiB and more", n)
	}
}

// TestHostileSourceCannotBreakTheSnapshot: a job file whose compile takes
// too long for the snapshot's limits costs the snapshot its precompiled
// files, not the snapshot itself: Lua jobs still run, each compiling its
// own file.
func TestHostileSourceCannotBreakTheSnapshot(t *testing.T) {
	t.Parallel()
	var fellBack atomic.Bool
	e := newCachedEngine(t, Options{OnLog: func(_, line string) {
		if strings.Contains(line, "a snapshot holding the Lua job files compiled failed") {
			fellBack.Store(true)
		}
	}})
	ctx := context.Background()
	// A long right-associative chain: gopher-lua parses it in seconds.
	hostile := writeJob(t, "slow.lua", luaWith("local a = 'x'"+strings.Repeat("..a", (maxPreparedSource-200)/3)))
	plain := writeJob(t, "plain.lua", luaWith(""))
	for _, job := range []Job{hostile, plain} {
		if err := e.Prepare(ctx, job); err != nil {
			t.Fatal(err)
		}
	}
	takeSnapshot(t, e)
	t.Logf("the snapshot fell back to one without job files: %v", fellBack.Load())
	if out := e.Run(ctx, plain); out.Status != abi.StatusOK {
		t.Fatalf("a plain Lua job after a hostile one was offered: %v %q", out.Status, out.Error)
	}
}

// TestFailedSourcesAreNotRetried: when a snapshot holding the job files
// fails, it is taken without them, and later snapshots skip that set of
// files, and any set within the backoff after.
func TestFailedSourcesAreNotRetried(t *testing.T) {
	t.Parallel()
	var offered atomic.Int32
	e := newCachedEngine(t, Options{hostOverrides: map[string]hostImpl{
		abi.FuncSources: func(ctx context.Context, rs *runState, in []byte) ([]byte, abi.Code) {
			if !rs.offerSources {
				return hostSources(ctx, rs, in)
			}
			offered.Add(1)
			// More than a run may move across the ABI: the call ends it.
			return make([]byte, rs.job.Limits.RunBytes+1), abi.CodeOK
		},
	}})
	ctx := context.Background()
	plain := writeJob(t, "plain.lua", luaWith(""))
	if err := e.Prepare(ctx, plain); err != nil {
		t.Fatal(err)
	}
	takeSnapshot(t, e)
	before := offered.Load()
	takeSnapshot(t, e)
	if offered.Load() != before {
		t.Errorf("a snapshot offered again the job files a snapshot failed on")
	}
	if out := e.Run(ctx, plain); out.Status != abi.StatusOK {
		t.Fatalf("a Lua job after a failed snapshot: %v %q", out.Status, out.Error)
	}
	other := writeJob(t, "other.lua", luaWith("-- another file"))
	if err := e.Prepare(ctx, other); err != nil {
		t.Fatal(err)
	}
	e.lua.pool.mu.Lock()
	e.lua.pool.image.made = time.Now().Add(-snapshotSourcesAge) // old enough to retake
	e.lua.pool.mu.Unlock()
	takeSnapshot(t, e)
	if offered.Load() != before {
		t.Errorf("a changed set of job files was offered within the backoff after a failure")
	}
	e.badSources.mu.Lock()
	e.badSources.until = time.Time{} // the backoff has passed
	e.badSources.mu.Unlock()
	e.lua.pool.mu.Lock()
	e.lua.pool.image.made = time.Now().Add(-snapshotMaxAge) // due in any case
	e.lua.pool.mu.Unlock()
	takeSnapshot(t, e)
	if offered.Load() == before {
		t.Errorf("a changed set of job files was not offered to the next snapshot")
	}
}

// hostileLua returns the source of a Lua job of the hostile corpus.
func hostileLua(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "tests", "hostile", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLuaJobCannotReachAnotherJobsConstants: the corpus's
// other-jobs-source.lua searches everything it can reach for a constant of
// holds-secret.lua, which the snapshot it runs in holds compiled, and must
// not find it; the same search does find the constant in its own state,
// which shows the search works.
func TestLuaJobCannotReachAnotherJobsConstants(t *testing.T) {
	t.Parallel()
	e := newCachedEngine(t, Options{})
	ctx := context.Background()
	searchLua := hostileLua(t, "other-jobs-source.lua")
	secret := writeJob(t, "holds-secret.lua", hostileLua(t, "holds-secret.lua"))
	search := writeJob(t, "other-jobs-source.lua", searchLua)
	for _, job := range []Job{secret, search} {
		if err := e.Prepare(ctx, job); err != nil {
			t.Fatal(err)
		}
	}
	takeSnapshot(t, e)
	if out := e.Run(ctx, secret); !strings.Contains(out.Error, "this job holds a secret") {
		t.Fatalf("the job holding the secret: %v %q", out.Status, out.Error)
	}
	for range 2 {
		if out := e.Run(ctx, search); !strings.Contains(out.Error, "searched every Lua means and found no other job's constant") {
			t.Fatalf("the searching job: %v %q", out.Status, out.Error)
		}
	}
	control := writeJob(t, "control.lua", "API_TOKEN = \"corpus-secret-4f1c\"\n"+searchLua)
	if out := e.Run(ctx, control); !strings.Contains(out.Error, "found another job's constant at _G.API_TOKEN") {
		t.Fatalf("the search missed its own global: %v %q", out.Status, out.Error)
	}
}

func TestFillerBacksOffFailingSnapshots(t *testing.T) {
	t.Parallel()
	p := &pool{}
	if p.backingOff() {
		t.Fatal("a new pool backs off")
	}
	p.noteSnapshot(errors.New("failed"))
	if !p.backingOff() {
		t.Fatal("the filler does not back off after a failure")
	}
	p.nextTry = time.Time{} // the delay has passed
	if p.backingOff() {
		t.Fatal("the filler still backs off once the delay has passed")
	}
	for range maxFillFailures {
		p.noteSnapshot(errors.New("failed"))
	}
	p.nextTry = time.Time{}
	if !p.backingOff() {
		t.Fatalf("the filler tries again after %d failures in a row", maxFillFailures)
	}
	p.noteSnapshot(nil)
	if p.backingOff() {
		t.Fatal("a snapshot that succeeded leaves the filler backing off")
	}
}

// TestInitialisationFailsUnderTheJobsLimit: a compiled guest that spins in
// _initialize fails each run at the job's own time limit, saying so, and
// the pool's filler does not retry it beside the runs.
func TestInitialisationFailsUnderTheJobsLimit(t *testing.T) {
	t.Parallel()
	e := newCachedEngine(t, Options{})
	ctx := context.Background()
	job := Job{Name: "init-spin", File: "init-spin.wasm", Path: filepath.Join("..", "..", "tests", "guests", "init-spin.wasm"),
		Limits: Limits{Timeout: 100 * time.Millisecond}}
	const runs = 3
	for range runs {
		out := e.Run(ctx, job)
		want := "the guest did not return within its time limit of 100ms during initialisation"
		if !strings.Contains(out.Error, want) {
			t.Fatalf("got %v %q; want an error containing %q", out.Status, out.Error, want)
		}
	}
	e.mu.Lock()
	p := e.wasm[job.Path].guest.pool
	e.mu.Unlock()
	p.mu.Lock()
	failures := p.failures
	p.mu.Unlock()
	// One failure per run, and at most one of the filler's (woken when the
	// job was first loaded) within its backoff.
	if failures > runs+1 {
		t.Errorf("%d snapshots failed for %d runs: the filler retries beside them", failures, runs)
	}
}

// TestSnapshotsTakeTheTightestLimits: a guest several jobs name is
// snapshotted under the strictest of their limits, whichever came first.
func TestSnapshotsTakeTheTightestLimits(t *testing.T) {
	t.Parallel()
	g := &guest{}
	if _, ok := g.snapshotLimits(); ok {
		t.Fatal("a guest no job serves has snapshot limits")
	}
	g.serve(Limits{Timeout: 30 * time.Second, MemoryBytes: 16 << 20})
	g.serve(Limits{Timeout: time.Second})
	g.serve(Limits{Timeout: 5 * time.Second, MemoryBytes: 128 << 20})
	l, ok := g.snapshotLimits()
	if !ok || l.Timeout != time.Second || l.MemoryBytes != 16<<20 || l.HostCalls != DefaultLimits().HostCalls {
		t.Fatalf("snapshot limits %+v; want 1s, 16 MiB and the other defaults", l)
	}
}

// TestOtherJobsFilesCannotCrowdOutAJobsMemory: a snapshot grown by the
// compiled files of other jobs past a job's memory limit costs that job a
// fresh instance, not its run.
func TestOtherJobsFilesCannotCrowdOutAJobsMemory(t *testing.T) {
	t.Parallel()
	e := newCachedEngine(t, Options{})
	ctx := context.Background()
	body := `
function f(rows)
  for i, row in ipairs(rows or {}) do
    if row.name ~= nil and #row.name > 3 then
      core.log("user", i, row.id, string.upper(row.name))
    end
  end
end
`
	for i := range 10 {
		job := writeJob(t, fmt.Sprintf("big%d.lua", i), luaWith(fmt.Sprintf("-- %d\n", i)+strings.Repeat(body, 20)))
		if err := e.Prepare(ctx, job); err != nil {
			t.Fatal(err)
		}
	}
	takeSnapshot(t, e)
	if e.badSources.failedAny() {
		t.Skip("the machine is too loaded to compile 65 KB of job files within the snapshot's limits")
	}
	e.lua.pool.mu.Lock()
	size := e.lua.pool.image.size
	e.lua.pool.mu.Unlock()
	small := writeJob(t, "small.lua", luaWith(""))
	small.Limits = Limits{MemoryBytes: size - wasmPage}
	if out := e.Run(ctx, small); out.Status != abi.StatusOK {
		t.Fatalf("a job with %s of memory beside a snapshot of %s: %v %q", formatBytes(small.Limits.MemoryBytes), formatBytes(size), out.Status, out.Error)
	}
}

// TestClosingEndsASnapshotBeingTaken: closing an engine whose filler is
// taking (or about to take: Prepare woke it) a snapshot of a guest that
// spins in _initialize ends the snapshot rather than waiting out the
// guest's time limit.
func TestClosingEndsASnapshotBeingTaken(t *testing.T) {
	t.Parallel()
	e, err := New(context.Background(), Options{CacheDir: filepath.Join(os.TempDir(), "jobbox-sandbox-test-cache")})
	if err != nil {
		t.Fatal(err)
	}
	job := Job{Name: "init-spin", File: "init-spin.wasm", Path: filepath.Join("..", "..", "tests", "guests", "init-spin.wasm"),
		Limits: Limits{Timeout: time.Hour}}
	if err := e.Prepare(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- e.Close(context.Background()) }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute): // a hang guard; the limit is an hour
		t.Fatal("closing the engine waited for the snapshot being taken")
	}
}
