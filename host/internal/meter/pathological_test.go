package meter

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// moduleOf assembles a module of defined functions of type () -> (), with
// the given bodies (locals and code), and optional extra sections placed
// by id.
func moduleOf(bodies [][]byte, extra ...section) []byte {
	out := []byte("\x00asm\x01\x00\x00\x00")
	emit := func(id byte, body []byte) {
		out = append(appendU32(append(out, id), uint32(len(body))), body...)
	}
	emit(secType, []byte{1, 0x60, 0, 0})
	funcs := appendU32(nil, uint32(len(bodies)))
	for range bodies {
		funcs = append(funcs, 0)
	}
	emit(secFunction, funcs)
	for _, s := range extra {
		if s.id != secCode && sectionOrder[s.id] > sectionOrder[secFunction] && sectionOrder[s.id] < sectionOrder[secCode] {
			emit(s.id, s.body)
		}
	}
	code := appendU32(nil, uint32(len(bodies)))
	for _, b := range bodies {
		code = append(appendU32(code, uint32(len(b))), b...)
	}
	emit(secCode, code)
	return out
}

// nested is a body of depth nested blocks.
func nested(depth int) []byte {
	b := []byte{0}
	b = append(b, bytes.Repeat([]byte{opBlock, blockTypeEmpty}, depth)...)
	b = append(b, bytes.Repeat([]byte{opEnd}, depth)...)
	return append(b, opEnd)
}

// brTable is a body of one br_table of targets targets, inside a block.
func brTable(targets int) []byte {
	b := []byte{0, opBlock, blockTypeEmpty, opI32Const, 0, opBrTable}
	b = appendU32(b, uint32(targets-1))
	b = append(b, bytes.Repeat([]byte{0}, targets)...)
	return append(b, opEnd, opEnd)
}

func repeat(body []byte, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = body
	}
	return out
}

// compileTime compiles bin (instrumented) with wazero and returns how long
// it took, or the error of either step.
func compileTime(t testing.TB, bin []byte) (time.Duration, error) {
	t.Helper()
	m, err := Instrument(bin)
	if err != nil {
		return 0, err
	}
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
	defer rt.Close(ctx)
	start := time.Now()
	_, err = rt.CompileModule(ctx, m.Wasm)
	return time.Since(start), err
}

// fitWork is how many copies of body fit the module's compile work.
func fitWork(body []byte) int {
	s, _ := measure(body, 0, &scratch{})
	return int(maxCompileWork / s.compileWork)
}

// pathological are modules at and just past each structural limit.
func pathological() []struct {
	name, refusal string
	at, past      func() []byte
} {
	return []struct {
		name, refusal string
		at, past      func() []byte
	}{
		{"nesting", "nests blocks 4097 deep; the limit is 4096",
			func() []byte { return moduleOf([][]byte{nested(maxNesting)}) },
			func() []byte { return moduleOf([][]byte{nested(maxNesting + 1)}) }},
		{"nesting everywhere", "would take too long to compile",
			func() []byte { return moduleOf(repeat(nested(maxNesting), fitWork(nested(maxNesting)))) },
			func() []byte { return moduleOf(repeat(nested(maxNesting), fitWork(nested(maxNesting))+1)) }},
		{"br_table", "a br_table has 8193 targets; the limit is 8192",
			func() []byte { return moduleOf([][]byte{brTable(maxBrTable)}) },
			func() []byte { return moduleOf([][]byte{brTable(maxBrTable + 1)}) }},
		{"br_tables squared", "would take too long to compile",
			func() []byte { return moduleOf(repeat(brTable(maxBrTable), fitWork(brTable(maxBrTable)))) },
			func() []byte { return moduleOf(repeat(brTable(maxBrTable), fitWork(brTable(maxBrTable))+1)) }},
		{"br_tables", "br_tables have more than 524288 targets in all",
			func() []byte { return moduleOf(repeat(brTable(64), maxBrTableTargets/64)) },
			func() []byte { return moduleOf(repeat(brTable(64), maxBrTableTargets/64+1)) }},
		{"functions", "declares 50001 functions; the limit is 50000",
			func() []byte { return moduleOf(repeat([]byte{0, opEnd}, maxFunctions)) },
			func() []byte { return moduleOf(repeat([]byte{0, opEnd}, maxFunctions+1)) }},
		{"function size", "its body takes 1048577 bytes; the limit is 1048576",
			func() []byte { return moduleOf([][]byte{nops(maxFunctionBytes)}) },
			func() []byte { return moduleOf([][]byte{nops(maxFunctionBytes + 1)}) }},
		{"code size", "bytes of code; the limit is 16777216",
			func() []byte { return moduleOf(repeat(nops(maxFunctionBytes), maxCodeBytes/maxFunctionBytes-1)) },
			func() []byte { return moduleOf(repeat(nops(maxFunctionBytes), maxCodeBytes/maxFunctionBytes+1)) }},
		{"locals", "more than 50000 locals",
			func() []byte { return moduleOf([][]byte{locals(maxLocals)}) },
			func() []byte { return moduleOf([][]byte{locals(maxLocals + 1)}) }},
		{"tables", "tables start with 131088 elements in all; the limit is 131072",
			func() []byte { return moduleOf(nil, section{secTable, tableDecls(16, maxTableElements/16)}) },
			func() []byte { return moduleOf(nil, section{secTable, tableDecls(16, maxTableElements/16+1)}) }},
		{"table count", "declares 17 tables; the limit is 16",
			func() []byte { return moduleOf(nil, section{secTable, tableDecls(16, 1)}) },
			func() []byte { return moduleOf(nil, section{secTable, tableDecls(17, 1)}) }},
		{"globals", "declares 10001 globals; the limit is 10000",
			func() []byte { return moduleOf(nil, section{secGlobal, globalDecls(maxGlobals)}) },
			func() []byte { return moduleOf(nil, section{secGlobal, globalDecls(maxGlobals + 1)}) }},
		{"params", "has 1001 parameters",
			func() []byte { return typesOf(maxParams) },
			func() []byte { return typesOf(maxParams + 1) }},
	}
}

// nops is a body of size bytes that does nothing.
func nops(size int) []byte {
	b := append([]byte{0}, bytes.Repeat([]byte{0x01}, size-2)...)
	return append(b, opEnd)
}

func locals(n int) []byte {
	b := appendU32([]byte{1}, uint32(n))
	return append(b, valI32, opEnd)
}

func tableDecls(n, size int) []byte {
	b := appendU32(nil, uint32(n))
	for range n {
		b = appendU32(append(b, 0x70, 0), uint32(size))
	}
	return b
}

func globalDecls(n int) []byte {
	b := appendU32(nil, uint32(n))
	for range n {
		b = append(b, valI32, 0, opI32Const, 0, opEnd)
	}
	return b
}

// typesOf is a module with one type of params i32 parameters.
func typesOf(params int) []byte {
	t := appendU32([]byte{1, 0x60}, uint32(params))
	t = append(append(t, bytes.Repeat([]byte{valI32}, params)...), 0)
	out := []byte("\x00asm\x01\x00\x00\x00")
	return append(appendU32(append(out, secType), uint32(len(t))), t...)
}

func TestPathologicalModulesAreRefused(t *testing.T) {
	t.Parallel()
	for _, c := range pathological() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Instrument(c.past()); err == nil || !strings.Contains(err.Error(), c.refusal) {
				t.Errorf("past the limit: %v, want an error containing %q", err, c.refusal)
			}
			if _, err := Instrument(c.at()); err != nil {
				t.Errorf("at the limit: %v", err)
			}
		})
	}
}

// BenchmarkCompileAtLimits reports wazero's compile time, and the heap it
// allocates, for a module at each structural limit. Run it with
// -benchtime 1x: each compile takes up to seconds.
func BenchmarkCompileAtLimits(b *testing.B) {
	for _, c := range pathological() {
		b.Run(strings.ReplaceAll(c.name, " ", "_"), func(b *testing.B) {
			bin := c.at()
			b.ReportAllocs()
			var total time.Duration
			for b.Loop() {
				took, err := compileTime(b, bin)
				if err != nil {
					b.Fatal(err)
				}
				total += took
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "compile-ms/op")
		})
	}
}

// TestIssueModulesAreRefused builds the modules of issue 11, each of which
// held wazero for seconds to minutes, and checks the limit that refuses it.
func TestIssueModulesAreRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, refusal string
		bin           func() []byte
	}{
		{"80,000 nested blocks", "it nests blocks 80000 deep; the limit is 4096",
			func() []byte { return moduleOf([][]byte{nested(80_000)}) }},
		{"200,000 labels", "a br_table has 200000 targets; the limit is 8192",
			func() []byte { return moduleOf([][]byte{brTable(200_000)}) }},
		{"a million functions", "declares 1000000 functions; the limit is 50000",
			func() []byte { return moduleOf(repeat([]byte{0, opEnd}, 1_000_000)) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Instrument(c.bin()); err == nil || !strings.Contains(err.Error(), c.refusal) {
				t.Errorf("%v, want an error containing %q", err, c.refusal)
			}
		})
	}
}

// TestLoopsPayForTheLeavesTheyCall checks that a loop calling a function
// that neither loops nor calls burns fuel for the callee's instructions,
// whether the callee is large (it burns them itself) or small (the loop
// pays for it).
func TestLoopsPayForTheLeavesTheyCall(t *testing.T) {
	t.Parallel()
	// run: 1000 times, call function 1. Function 1: size nops.
	caller := []byte{1, 1, valI32, opLoop, blockTypeEmpty, opCall, 1,
		0x20, 0, opI32Const, 1, opI32Add, 0x22, 0, opI32Const, 0xe8, 0x07, opI32LtU, opBrIf, 0, opEnd, opEnd}
	export := appendName(appendU32(nil, 1), "run")
	export = append(export, kindFunc, 0)
	for _, size := range []int{200, 1000} {
		t.Run(fmt.Sprint(size, " nops"), func(t *testing.T) {
			t.Parallel()
			rt := newTestRuntime(t, 1000)
			bin := instrument(t, moduleOf([][]byte{caller, nops(size + 2)}, section{secExport, export}))
			mod := rt.instantiate(t, bin)
			mod.ExportedGlobal(globalExport(0)).(api.MutableGlobal).Set(0)
			if _, err := mod.ExportedFunction("run").Call(context.Background()); err != nil {
				t.Fatal(err)
			}
			// 1000 calls of at least 200 instructions on budgets of 1000.
			if n := rt.refuels.Load(); n < 200 {
				t.Errorf("1000 calls of %d instructions refuelled %d times, want at least 200", size, n)
			}
		})
	}
}
