package meter

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero/api"
)

// TestTableElementBytes measures the heap an instance's table takes per
// element in wazero, which TableElementBytes must not understate.
func TestTableElementBytes(t *testing.T) {
	// Not parallel: it reads the heap.
	const elements = maxTableElements
	bin := moduleOf(nil, section{secTable, tableDecls(1, elements)})
	rt := newTestRuntime(t, 1<<20)
	metered := instrument(t, bin)
	if _, err := rt.CompileModule(context.Background(), metered); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const instances = 64
	mods := make([]api.Module, instances)
	for i := range mods {
		mods[i] = rt.instantiate(t, metered)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perElement := float64(after.HeapAlloc-before.HeapAlloc) / (instances * elements)
	t.Logf("wazero takes %.2f bytes per table element", perElement)
	if perElement > TableElementBytes*1.1 {
		t.Errorf("wazero takes %.2f bytes per table element; TableElementBytes says %d", perElement, TableElementBytes)
	}
	runtime.KeepAlive(mods)
}

func TestTablesAreBoundedInAll(t *testing.T) {
	t.Parallel()
	// 100 tables of 10^6 elements: 611 bytes that kept 900 MB resident.
	if _, err := Instrument(moduleOf(nil, section{secTable, tableDecls(100, 1_000_000)})); err == nil ||
		!strings.Contains(err.Error(), "declares 100 tables; the limit is 16") {
		t.Errorf("100 big tables: %v", err)
	}
	// Declared maximums are cut so that all tables together stay within
	// the limit, and a table with no maximum cannot grow.
	decls := appendU32(nil, 3)
	decls = appendU32(appendU32(append(decls, 0x70, 1), 10), 1<<30) // grows to the limit less the others' minimums
	decls = appendU32(appendU32(append(decls, 0x70, 1), 20), 1<<30) // has no room left to grow
	decls = appendU32(append(decls, 0x70, 0), 30)                   // cannot grow
	m, err := Instrument(moduleOf(nil, section{secTable, decls}))
	if err != nil {
		t.Fatal(err)
	}
	if want := uint64(maxTableElements) * TableElementBytes; m.TableBytes != want {
		t.Errorf("TableBytes = %d, want %d", m.TableBytes, want)
	}
	parsed := &module{}
	r := &reader{b: m.Wasm, pos: 8}
	for !r.done() {
		id, body, err := r.section()
		if err != nil {
			t.Fatal(err)
		}
		parsed.sections = append(parsed.sections, section{id, body})
	}
	if err := parsed.readTables(); err != nil {
		t.Fatal(err)
	}
	want := []table{{0x70, 10, maxTableElements - 50, true}, {0x70, 20, 20, true}, {0x70, 30, 30, true}}
	for i, tab := range parsed.tables {
		if tab != want[i] {
			t.Errorf("table %d is %+v after the rewrite, want %+v", i, tab, want[i])
		}
	}
}
