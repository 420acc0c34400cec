package meter

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

//go:generate wat2wasm testdata/shapes.wat -o testdata/shapes.wasm
//go:generate wat2wasm testdata/snapshot.wat -o testdata/snapshot.wasm

var errStackExhausted = errors.New("stack exhausted")

// testRuntime is a wazero runtime with the host side of the rewrite: refuel
// grants budget (small, so the tests go through it often) and counts calls.
type testRuntime struct {
	wazero.Runtime
	refuels atomic.Int64
}

func newTestRuntime(t testing.TB, budget int32) *testRuntime {
	t.Helper()
	ctx := context.Background()
	rt := &testRuntime{Runtime: wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())}
	t.Cleanup(func() { rt.Close(ctx) })
	i32 := api.ValueTypeI32
	_, err := rt.NewHostModuleBuilder(ImportModule).
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(_ context.Context, _ api.Module, stack []uint64) {
		rt.refuels.Add(1)
		stack[0] = uint64(budget)
	}), nil, []api.ValueType{i32}).Export(Refuel).
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(context.Context, api.Module, []uint64) {
		panic(errStackExhausted)
	}), nil, nil).Export(StackExhausted).
		Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rt.NewHostModuleBuilder("env").
		NewFunctionBuilder().WithFunc(func(a, b int32) int32 { return a + b }).Export("add").
		Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

func (rt *testRuntime) instantiate(t testing.TB, bin []byte) api.Module {
	t.Helper()
	mod, err := rt.InstantiateWithConfig(context.Background(), bin, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		t.Fatal(err)
	}
	return mod
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func instrument(t testing.TB, bin []byte) []byte {
	t.Helper()
	out, err := Instrument(bin)
	if err != nil {
		t.Fatal(err)
	}
	return out.Wasm
}

func TestInstrumentedModuleBehavesTheSame(t *testing.T) {
	t.Parallel()
	bin := readFile(t, "testdata/shapes.wasm")
	rt := newTestRuntime(t, 3)
	plain := rt.instantiate(t, bin)
	metered := rt.instantiate(t, instrument(t, bin))

	for _, c := range []struct {
		export string
		args   []uint64
	}{
		{"loop_sum", []uint64{200_000}}, // spends the initial fuel
		{"loop_sum", []uint64{0}}, {"loop_sum", []uint64{100}},
		{"fib", []uint64{15}},
		{"indirect", nil},
		{"multi", []uint64{0}}, {"multi", []uint64{3}},
		{"table", []uint64{0}}, {"table", []uint64{1}}, {"table", []uint64{9}},
		{"leaf", nil},
	} {
		want, err := plain.ExportedFunction(c.export).Call(context.Background(), c.args...)
		if err != nil {
			t.Fatalf("%s%v before instrumenting: %v", c.export, c.args, err)
		}
		got, err := metered.ExportedFunction(c.export).Call(context.Background(), c.args...)
		if err != nil {
			t.Fatalf("%s%v after instrumenting: %v", c.export, c.args, err)
		}
		if got[0] != want[0] {
			t.Errorf("%s%v = %d after instrumenting, %d before", c.export, c.args, int32(got[0]), int32(want[0]))
		}
	}
	if rt.refuels.Load() == 0 {
		t.Error("refuel was never called with a budget of 3")
	}
	if stack := metered.ExportedGlobal(StackExport).Get(); stack != DefaultStackDepth {
		t.Errorf("stack global is %d after the calls returned, want %d", stack, DefaultStackDepth)
	}
}

func TestStackLimitCountsNestedCalls(t *testing.T) {
	t.Parallel()
	rt := newTestRuntime(t, 1<<20)
	mod := rt.instantiate(t, instrument(t, readFile(t, "testdata/shapes.wasm")))
	stack := mod.ExportedGlobal(StackExport).(api.MutableGlobal)

	// The host calls fib(10), which nests 9 recursive calls: fib(9) down
	// to fib(1).
	stack.Set(9)
	if res, err := mod.ExportedFunction("fib").Call(context.Background(), 10); err != nil || res[0] != 55 {
		t.Fatalf("fib(10) with a limit of 9 = %v, %v; want 55", res, err)
	}
	stack.Set(8)
	if _, err := mod.ExportedFunction("fib").Call(context.Background(), 10); !errors.Is(err, errStackExhausted) {
		t.Fatalf("fib(10) with a limit of 8: %v, want the stack exhausted", err)
	}

	fresh := rt.instantiate(t, instrument(t, readFile(t, "testdata/shapes.wasm")))
	fresh.ExportedGlobal(StackExport).(api.MutableGlobal).Set(1000)
	if _, err := fresh.ExportedFunction("forever").Call(context.Background(), 0); !errors.Is(err, errStackExhausted) {
		t.Fatalf("endless recursion: %v, want the stack exhausted", err)
	}
}

func TestLoopsCallRefuel(t *testing.T) {
	t.Parallel()
	rt := newTestRuntime(t, 1000)
	mod := rt.instantiate(t, instrument(t, readFile(t, "testdata/shapes.wasm")))
	before := rt.refuels.Load()
	if _, err := mod.ExportedFunction("loop_sum").Call(context.Background(), 100_000); err != nil {
		t.Fatal(err)
	}
	// Each iteration burns the loop body's weight (more than 1), so 100,000
	// iterations on budgets of 1,000 need at least 100 refuels.
	if n := rt.refuels.Load() - before; n < 100 {
		t.Errorf("100,000 iterations refuelled %d times, want at least 100", n)
	}
}

// committedGuests are every .wasm of the repository a job can run.
func committedGuests(t testing.TB) []string {
	t.Helper()
	var paths []string
	for _, pattern := range []string{"../../luawasm/*.wasm", "../../../jobs/*.wasm", "../../../tests/guests/*.wasm", "testdata/*.wasm"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 5 {
		t.Fatalf("found only %d guests", len(paths))
	}
	return paths
}

func TestCommittedGuestsInstrumentAndValidate(t *testing.T) {
	t.Parallel()
	rt := newTestRuntime(t, 1<<20)
	for _, path := range committedGuests(t) {
		bin := readFile(t, path)
		_, plainErr := rt.CompileModule(context.Background(), bin)
		m, err := Instrument(bin)
		var out []byte
		if m != nil {
			out = m.Wasm
		}
		switch {
		case plainErr != nil && err == nil:
			if _, err := rt.CompileModule(context.Background(), out); err == nil {
				t.Errorf("%s: invalid before instrumenting, valid after", path)
			}
		case plainErr != nil:
			// refused by both
		case err != nil && strings.Contains(err.Error(), "; the limit is"):
			// valid, but past a structural limit (tests/guests/many-tables)
		case err != nil:
			t.Errorf("%s: %v", path, err)
		default:
			if _, err := rt.CompileModule(context.Background(), out); err != nil {
				t.Errorf("%s: instrumented module does not validate: %v", path, err)
			}
		}
	}
}

func TestInstrumentRefusesReservedNames(t *testing.T) {
	t.Parallel()
	twice, err := Instrument(instrument(t, readFile(t, "testdata/shapes.wasm")))
	if err == nil || !strings.Contains(err.Error(), "reserved for the host") {
		t.Fatalf("instrumenting twice: %v, %v; want the reserved import refused", err, twice)
	}
}

func FuzzInstrument(f *testing.F) {
	for _, path := range committedGuests(f) {
		if b := readFile(f, path); len(b) < 64<<10 {
			f.Add(b)
		}
	}
	rt := newTestRuntime(f, 1<<20)
	f.Fuzz(func(t *testing.T, bin []byte) {
		out, err := Instrument(bin)
		if err != nil {
			return
		}
		ctx := context.Background()
		plain, err := rt.CompileModule(ctx, bin)
		if err != nil {
			return
		}
		plain.Close(ctx)
		metered, err := rt.CompileModule(ctx, out.Wasm)
		if err != nil {
			t.Fatalf("valid module no longer validates after instrumenting: %v", err)
		}
		metered.Close(ctx)
	})
}

// BenchmarkInstrumentLuaGuest is what every engine start pays to rewrite
// the embedded Lua guest before compiling it.
func BenchmarkInstrumentLuaGuest(b *testing.B) {
	bin := readFile(b, "../../luawasm/lua.wasm")
	b.SetBytes(int64(len(bin)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Instrument(bin); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSnapshotLayoutRebuildsTheInstance lays out an instance of the
// rewritten guest from Snapshot.Data and checks that its memory and globals
// are those of the original guest as wazero instantiates it.
func TestSnapshotLayoutRebuildsTheInstance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bin := readFile(t, "testdata/snapshot.wasm")
	m, err := Instrument(bin)
	if err != nil {
		t.Fatal(err)
	}
	if m.Snapshot == nil {
		t.Fatalf("no snapshot: %s", m.NoSnapshot)
	}
	if got := len(m.Snapshot.Data); got != 3 {
		t.Errorf("%d active segments; want 3 (the passive one stays in the module)", got)
	}
	rt := newTestRuntime(t, 1<<20)
	plain := rt.instantiate(t, bin)
	rebuilt := rt.instantiate(t, m.Wasm)
	for _, seg := range m.Snapshot.Data {
		if !rebuilt.Memory().Write(seg.Offset, seg.Bytes) {
			t.Fatalf("segment at %d does not fit", seg.Offset)
		}
	}
	want, _ := plain.Memory().Read(0, plain.Memory().Size())
	got, _ := rebuilt.Memory().Read(0, rebuilt.Memory().Size())
	if string(got) != string(want) {
		t.Error("memory laid out from the snapshot differs from the original's")
	}
	// Two mutable globals of the guest, and the fuel.
	if len(m.Snapshot.Globals) != 3 {
		t.Fatalf("globals %v; want the guest's two mutable ones and the fuel", m.Snapshot.Globals)
	}
	first := rebuilt.ExportedGlobal(m.Snapshot.Globals[0]).(api.MutableGlobal)
	if _, err := rebuilt.ExportedFunction("bump").Call(ctx); err != nil {
		t.Fatal(err)
	}
	if got := first.Get(); got != 44 {
		t.Errorf("exported counter reads %d after one bump; want 44", got)
	}
	first.Set(41)
	if res, _ := rebuilt.ExportedFunction("bump").Call(ctx); res[0] != 44 {
		t.Errorf("bump after restoring the counter = %d; want 44", res[0])
	}
}

func TestNoSnapshotWhenStateLivesElsewhere(t *testing.T) {
	t.Parallel()
	m, err := Instrument(readFile(t, "testdata/shapes.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Snapshot != nil || !strings.Contains(m.NoSnapshot, "mutable") {
		t.Errorf("shapes.wasm has a mutable funcref global: got snapshot %v, reason %q", m.Snapshot, m.NoSnapshot)
	}
	lua, err := Instrument(readFile(t, "../../luawasm/lua.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	if lua.Snapshot == nil {
		t.Errorf("the Lua guest cannot be snapshotted: %s", lua.NoSnapshot)
	}
}
