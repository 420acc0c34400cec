package meter

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/tetratelabs/wazero/api"
)

//go:generate wat2wasm testdata/bulk.wat -o testdata/bulk.wasm

// bulkCase calls export with args on a fresh instance after "pattern".
type bulkCase struct {
	export string
	args   []uint64
}

// outcome is everything a bulk instruction can change, or its trap.
type outcome struct {
	trapped bool
	result  []uint64
	memory  []byte
	table   uint64
}

func runBulk(t *testing.T, rt *testRuntime, bin []byte, calls []bulkCase) outcome {
	t.Helper()
	ctx := context.Background()
	mod := rt.instantiate(t, bin)
	defer mod.Close(ctx)
	if _, err := mod.ExportedFunction("pattern").Call(ctx); err != nil {
		t.Fatal(err)
	}
	var o outcome
	for _, c := range calls {
		res, err := mod.ExportedFunction(c.export).Call(ctx, c.args...)
		if err != nil {
			o.trapped = true
			break
		}
		o.result = append(o.result, res...)
	}
	o.memory, _ = mod.Memory().Read(0, mod.Memory().Size())
	o.memory = bytes.Clone(o.memory)
	sum, err := mod.ExportedFunction("tsum").Call(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	o.table = sum[0]
	return o
}

func TestBulkHelpersBehaveLikeTheInstructions(t *testing.T) {
	t.Parallel()
	const S = 4 << 16 // the memory's size
	const T = 20_000  // table $t's size
	const D = 70_000  // the passive data segment's size
	neg := uint64(0xffff_ffff)
	one := func(export string, args ...uint64) []bulkCase { return []bulkCase{{export, args}} }
	cases := [][]bulkCase{
		one("mfill", 0, 1, 0), one("mfill", S, 1, 0), one("mfill", S+1, 1, 0),
		one("mfill", S-10, 1, 11), one("mfill", 0, 7, S), one("mfill", 5, 7, S-5),
		one("mfill", 1, 2, 70_000), one("mfill", 0, 1, neg), one("mfill", neg, 1, 2),
		one("mfill", 3, 9, memoryChunk), one("mfill", 3, 9, memoryChunk+1),
		one("mcopy", 1, 0, S-1), one("mcopy", 0, 1, S-1), one("mcopy", 100, 100, 70_000),
		one("mcopy", S, 0, 0), one("mcopy", 0, S, 0), one("mcopy", S+1, 0, 0),
		one("mcopy", S-5, 0, 6), one("mcopy", 0, S-5, 6), one("mcopy", 0, 1, S),
		one("mcopy", 70_000, 0, 140_000), one("mcopy", 0, 70_000, 140_000),
		one("mcopy", 65_537, 3, 131_000), one("mcopy", neg, 0, 2), one("mcopy", 0, 0, neg),
		one("minit", 0, 0, D), one("minit", 10, 5, D-5), one("minit", 0, 0, D+1),
		one("minit", 7, 1, D), one("minit", S-100, 0, 101), one("minit", 0, D, 0),
		one("minit", 0, D+1, 0), one("minit", S, 0, 0), one("minit", S-D, 0, D),
		one("minit", S-D+1, 0, D), one("minit", 0, neg, 2), one("minit", 0, 2, neg),
		{{"mdrop", nil}, {"minit", []uint64{0, 0, 0}}}, {{"mdrop", nil}, {"minit", []uint64{0, 0, D}}},
		one("mgrow", 1), one("mgrow", 4), one("mgrow", 5), one("mgrow", 100_000), one("mgrow", neg),
		{{"mgrow", []uint64{4}}, {"mfill", []uint64{0, 3, 2 * S}}},
		one("tfill", 0, T), one("tfill", T-1, 2), one("tfill", T, 0), one("tfill", T+1, 0),
		one("tfill", 5, 10_000), one("tfill", 1, neg),
		one("tcopy", 1, 0, T-1), one("tcopy", 0, 1, T-1), one("tcopy", 10_000, 0, 10_001),
		one("tcopy", 10_000, 0, 10_000), one("tcopy", 9_000, 1, 10_999), one("tcopy", 0, T, 0),
		one("tcopyu", 0, 0, T), one("tcopyu", 100, 0, T-100), one("tcopyu", 100, 0, T-99),
		one("tinit", 0, 0, 3), one("tinit", T-2, 0, 3), one("tinit", 0, 1, 3), one("tinit", T, 3, 0),
		one("tgrow", 10), one("tgrow", 10_000), one("tgrow", 10_001), one("tgrow", neg),
		{{"tgrow", []uint64{5_000}}, {"tfill", []uint64{0, T + 5_000}}},
	}
	bin := readFile(t, "testdata/bulk.wasm")
	metered := instrument(t, bin)
	for i, calls := range cases {
		t.Run(fmt.Sprint(i, calls), func(t *testing.T) {
			t.Parallel()
			// A budget of 3 makes every chunk ask for more fuel.
			rt := newTestRuntime(t, 3)
			want := runBulk(t, rt, bin, calls)
			got := runBulk(t, rt, metered, calls)
			if got.trapped != want.trapped || fmt.Sprint(got.result) != fmt.Sprint(want.result) || got.table != want.table {
				t.Errorf("metered: trapped %v, results %v, table sum %d; plain: trapped %v, results %v, table sum %d",
					got.trapped, got.result, got.table, want.trapped, want.result, want.table)
			}
			if !bytes.Equal(got.memory, want.memory) {
				t.Errorf("memory differs (sizes %d and %d)", len(got.memory), len(want.memory))
			}
		})
	}
}

// TestBulkHelpersRefuelEveryChunk checks a long fill asks the host for
// fuel in proportion to its length, not once.
func TestBulkHelpersRefuelEveryChunk(t *testing.T) {
	t.Parallel()
	rt := newTestRuntime(t, 1)
	mod := rt.instantiate(t, instrument(t, readFile(t, "testdata/bulk.wasm")))
	// bulk.wat has no globals: the fuel is global 0.
	mod.ExportedGlobal(globalExport(0)).(api.MutableGlobal).Set(0)
	before := rt.refuels.Load()
	if _, err := mod.ExportedFunction("mfill").Call(context.Background(), 0, 1, 4<<16); err != nil {
		t.Fatal(err)
	}
	if n := rt.refuels.Load() - before; n < 4 {
		t.Errorf("filling 4 chunks refuelled %d times, want at least 4", n)
	}
}

// BenchmarkSmallCopies measures what the helper costs a small copy, the
// common case (Go's memmove is one memory.copy): 1,000 copies of 16 bytes
// in a loop, with and without the rewrite.
func BenchmarkSmallCopies(b *testing.B) {
	bin := readFile(b, "testdata/bulk.wasm")
	for _, c := range []struct {
		name string
		bin  []byte
	}{{"plain", bin}, {"metered", instrument(b, bin)}} {
		b.Run(c.name, func(b *testing.B) {
			rt := newTestRuntime(b, 1<<15)
			f := rt.instantiate(b, c.bin).ExportedFunction("copies")
			for b.Loop() {
				if _, err := f.Call(context.Background(), 1000); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzBulkHelpers compares a bulk instruction with its helper on fuzzed
// operands, near the bounds more often than not.
func FuzzBulkHelpers(f *testing.F) {
	f.Add(uint8(0), uint32(1), uint32(0), uint32(4<<16-1))
	f.Add(uint8(2), uint32(7), uint32(1), uint32(70_000))
	f.Add(uint8(4), uint32(1), uint32(0), uint32(19_999))
	bin := readFile(f, "testdata/bulk.wasm")
	metered := instrument(f, bin)
	rt := newTestRuntime(f, 5)
	exports := []string{"mfill", "mcopy", "minit", "tfill", "tcopy", "tcopyu", "tinit"}
	bounds := []uint32{4 << 16, 4 << 16, 70_000, 20_000, 20_000, 20_000, 3}
	f.Fuzz(func(t *testing.T, which uint8, a, b, n uint32) {
		i := int(which) % len(exports)
		// Low bits pick an operand near a bound, high bits leave it as is.
		near := func(v uint32) uint64 {
			if v&0x8000_0000 != 0 {
				return uint64(v)
			}
			return uint64(bounds[i]+v%7) - 3 - uint64(v>>3%5)
		}
		args := []uint64{near(a), near(b), near(n)}
		if exports[i] == "tfill" {
			args = []uint64{args[0], args[2]}
		}
		calls := []bulkCase{{exports[i], args}}
		want := runBulk(t, rt, bin, calls)
		got := runBulk(t, rt, metered, calls)
		if got.trapped != want.trapped || got.table != want.table || !bytes.Equal(got.memory, want.memory) {
			t.Errorf("%s%v: metered trapped %v, table %d; plain trapped %v, table %d; memory equal %v",
				exports[i], args, got.trapped, got.table, want.trapped, want.table, bytes.Equal(got.memory, want.memory))
		}
	})
}
