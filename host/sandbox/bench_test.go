package sandbox

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
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

// The comparisons with native gopher-lua, with the unmetered guest and
// with compilation are cases of package bench (jobbox bench).

// BenchmarkCloneLuaGuest is the background work behind each Lua run: one
// clone of the Lua guest's snapshot, made and closed.
func BenchmarkCloneLuaGuest(b *testing.B) {
	e := testEngine(b)
	ctx := context.Background()
	p := &pool{engine: e, guest: e.lua} // no filler: the benchmark clones
	b.ReportAllocs()
	for b.Loop() {
		inst, err := p.clone(ctx, DefaultLimits(), anySnapshot)
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
		for len(e.lua.pool.ready) < e.lua.pool.size {
			time.Sleep(50 * time.Microsecond)
		}
		b.StartTimer()
		if out := e.Run(ctx, job); out.Status != abi.StatusOK {
			b.Fatal(out.Error)
		}
	}
}

// BenchmarkDecodeAmplification reports the bytes decoding one host call's
// input allocates per input byte (B/op divided by the input's 1 MiB), for
// the encodings that decode largest: nested empty lists, empty tables and
// small integers.
func BenchmarkDecodeAmplification(b *testing.B) {
	const n = 1 << 20
	filled := func(v any, size int) []byte {
		list := make([]any, n/size)
		for i := range list {
			list[i] = v
		}
		in, _ := abi.Encode(list)
		return in
	}
	inputs := map[string][]byte{
		"lists":  filled([]any{}, 2),
		"tables": filled(abi.Table{}, 2),
		"ints":   filled(int64(1<<20), 4),
		"pairs":  filled(abi.Table{{Key: false, Value: nil}}, 4),
	}
	for name, in := range inputs {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := abi.DecodeList(in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(len(in)), "ns/inbyte")
		})
	}
}

// BenchmarkInitSpinRun is a run of a guest that spins in _initialize under
// a 100 ms limit: ns/op is how long the run takes to fail, about the
// limit (it took the 30 s default, or 55 s, before snapshots ran under
// the job's limits).
func BenchmarkInitSpinRun(b *testing.B) {
	job := Job{Name: "init-spin", File: "init-spin.wasm", Path: filepath.Join("..", "..", "tests", "guests", "init-spin.wasm"),
		Limits: Limits{Timeout: 100 * time.Millisecond}}
	e := testEngine(b)
	for b.Loop() {
		if out := e.Run(context.Background(), job); out.Status != abi.StatusError {
			b.Fatalf("the run ended %v", out.Status)
		}
	}
}
