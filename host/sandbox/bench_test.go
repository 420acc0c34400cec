package sandbox

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	lua "github.com/yuin/gopher-lua"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/luawasm"
)

const trivialLua = "local job = core.job()\nfunction job.run()\n  return job.OK\nend\nreturn job\n"

// BenchmarkRunTrivialLua is one trivial Lua run end to end: read the file,
// instantiate the Lua guest fresh, run the job, close the instance.
func BenchmarkRunTrivialLua(b *testing.B) {
	benchRun(b, writeJob(b, "trivial.lua", trivialLua))
}

func benchRun(b *testing.B, job Job) { benchRunOn(b, testEngine(b), job) }

func benchRunOn(b *testing.B, e *Engine, job Job) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if out := e.Run(ctx, job); out.Status != abi.StatusOK {
			b.Fatal(out.Error)
		}
	}
}

// BenchmarkRunTrivialGoGuest is one run of the compiled example guest,
// which reads the job info and the time and logs one line.
func BenchmarkRunTrivialGoGuest(b *testing.B) {
	benchRun(b, Job{Name: "hello-go", File: "hello-go.wasm", Path: filepath.Join("..", "..", "jobs", "hello-go.wasm")})
}

// BenchmarkCompileLuaGuest compiles the Lua guest with no cache (cold) and
// from a warm file cache (cached), as a restarted service does.
func BenchmarkCompileLuaGuest(b *testing.B) {
	ctx := context.Background()
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			rt := wazero.NewRuntime(ctx)
			if _, err := rt.CompileModule(ctx, luawasm.Wasm); err != nil {
				b.Fatal(err)
			}
			rt.Close(ctx)
		}
	})
	b.Run("cached", func(b *testing.B) {
		dir := b.TempDir()
		cache, err := wazero.NewCompilationCacheWithDir(dir)
		if err != nil {
			b.Fatal(err)
		}
		warm := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
		if _, err := warm.CompileModule(ctx, luawasm.Wasm); err != nil {
			b.Fatal(err)
		}
		warm.Close(ctx)
		for b.Loop() {
			// A new cache object per iteration, as after a restart, reading
			// the compiled code from the directory.
			cache, _ := wazero.NewCompilationCacheWithDir(dir)
			rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
			if _, err := rt.CompileModule(ctx, luawasm.Wasm); err != nil {
				b.Fatal(err)
			}
			rt.Close(ctx)
		}
	})
}

const fibLua = `local job = core.job()
local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end
function job.run()
  if fib(25) ~= 75025 then return job.ERROR end
  return job.OK
end
return job
`

// BenchmarkLuaFib is Lua CPU work, fib(25), in the metered sandbox and in
// the same guest compiled without the fuel and stack-depth rewrite: the
// ratio of the two is what preemption costs.
func BenchmarkLuaFib(b *testing.B) {
	job := writeJob(b, "fib.lua", fibLua)
	b.Run("metered", func(b *testing.B) { benchRun(b, job) })
	b.Run("unmetered", func(b *testing.B) {
		e, err := New(context.Background(), Options{Unmetered: true})
		if err != nil {
			b.Fatal(err)
		}
		defer e.Close(context.Background())
		benchRunOn(b, e, job)
	})
}

// nativeLua runs src with gopher-lua in the host process, unsandboxed, the
// way the Lua guest does (a new state, the script, then job.run): the
// baseline the sandboxed figures compare with. core.job() is a plain table.
func nativeLua(b *testing.B, src string) {
	src = strings.Replace(src, "core.job()", "{OK = 1, ERROR = 0}", 1)
	b.ReportAllocs()
	for b.Loop() {
		L := lua.NewState()
		if err := L.DoString(src); err != nil {
			b.Fatal(err)
		}
		job := L.Get(-1).(*lua.LTable)
		if err := L.CallByParam(lua.P{Fn: job.RawGetString("run"), NRet: 1, Protect: true}); err != nil {
			b.Fatal(err)
		}
		if L.Get(-1) != lua.LNumber(1) {
			b.Fatalf("job.run returned %v", L.Get(-1))
		}
		L.Close()
	}
}

// BenchmarkNativeLua is the unsandboxed baseline of BenchmarkRunTrivialLua
// and BenchmarkLuaFib.
func BenchmarkNativeLua(b *testing.B) {
	b.Run("trivial", func(b *testing.B) { nativeLua(b, trivialLua) })
	b.Run("fib", func(b *testing.B) { nativeLua(b, fibLua) })
}

// BenchmarkCloneLuaGuest is the background work behind each Lua run: one
// clone of the Lua guest's snapshot, made and closed.
func BenchmarkCloneLuaGuest(b *testing.B) {
	e := testEngine(b)
	ctx := context.Background()
	p := &pool{engine: e, guest: e.lua} // no filler: the benchmark clones
	b.ReportAllocs()
	for b.Loop() {
		inst, err := p.clone(ctx, DefaultLimits, false)
		if err != nil {
			b.Fatal(err)
		}
		inst.close(ctx)
	}
}

// BenchmarkRunTrivialLuaPaced is BenchmarkRunTrivialLua with the pool
// refilled between runs (untimed), as when runs are due apart: the time a
// scheduled run takes from its start to its end.
func BenchmarkRunTrivialLuaPaced(b *testing.B) {
	e := testEngine(b)
	job := writeJob(b, "trivial.lua", trivialLua)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		for len(e.lua.pool.ready) < cap(e.lua.pool.ready) {
			time.Sleep(50 * time.Microsecond)
		}
		b.StartTimer()
		if out := e.Run(ctx, job); out.Status != abi.StatusOK {
			b.Fatal(out.Error)
		}
	}
}
