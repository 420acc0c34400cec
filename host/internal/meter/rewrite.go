package meter

import (
	"cmp"
	"fmt"
	"slices"
)

// rewrite adds the imports, globals and export, renumbers every reference
// to a defined function (they move up by the two added imports), and
// instruments the code: a chain of steps, each re-encoding the sections it
// changes into out.
func (m *module) rewrite() (*Module, error) {
	rw, err := m.newRewriter()
	if err != nil {
		return nil, err
	}
	out := &rewritten{changed: map[byte][]byte{}, snap: &Snapshot{}}
	for _, step := range []func(*rewritten) error{
		rw.rewriteCode, // first: its helpers add functions and types
		rw.rewriteFunctions,
		rw.rewriteImports,
		rw.rewriteGlobalsAndExports,
		rw.rewriteStart,
		rw.rewriteElements,
		rw.rewriteTables,
		rw.rewriteData,
		rw.rewriteTypes, // last: every other step may add a type
	} {
		if err := step(out); err != nil {
			return nil, err
		}
	}
	wasm := m.assemble(out.changed, rw.remap)
	if out.noSnapshot != "" {
		return &Module{Wasm: wasm, NoSnapshot: out.noSnapshot, TableBytes: out.tableBytes}, nil
	}
	return &Module{Wasm: wasm, Snapshot: out.snap, TableBytes: out.tableBytes}, nil
}

// rewritten is what the steps of rewrite produce.
type rewritten struct {
	changed    map[byte][]byte // the new body of each section that changes, by id
	snap       *Snapshot
	noSnapshot string // why an instance cannot be snapshot, or empty
	tableBytes uint64
}

// newRewriter checks the function types and places what the rewrite adds:
// two imported functions after the guest's, two globals after its own.
func (m *module) newRewriter() (*rewriter, error) {
	for _, t := range m.funcTypes {
		if int(t) >= len(m.types) {
			return nil, fmt.Errorf("a function has type %d, which does not exist", t)
		}
	}
	imported := m.importedFuncs
	rw := &rewriter{
		module: m,
		remap: func(f uint32) uint32 {
			if f >= imported {
				return f + 2
			}
			return f
		},
		refuelFunc:  imported,
		stackFunc:   imported + 1,
		fuelGlobal:  m.importedGlobals + m.definedGlobals,
		stackGlob:   m.importedGlobals + m.definedGlobals + 1,
		helperIndex: map[string]uint32{},
	}
	rw.refuelType = rw.typeIndex(funcType{results: []byte{valI32}})
	rw.stackType = rw.typeIndex(funcType{})
	return rw, nil
}

func (rw *rewriter) rewriteCode(out *rewritten) error {
	body := rw.find(secCode)
	if body == nil {
		return nil
	}
	var err error
	out.changed[secCode], out.noSnapshot, err = rw.code(body)
	return err
}

func (rw *rewriter) rewriteFunctions(out *rewritten) error {
	if len(rw.helpers) > 0 {
		out.changed[secFunction] = rw.functionSection()
	}
	return nil
}

func (rw *rewriter) rewriteImports(out *rewritten) error {
	body, err := rw.imports(rw.refuelType, rw.stackType)
	if err != nil {
		return fmt.Errorf("import section: %w", err)
	}
	out.changed[secImport] = body
	return nil
}

// rewriteGlobalsAndExports adds the two globals and exports every mutable
// one, for snapshots.
func (rw *rewriter) rewriteGlobalsAndExports(out *rewritten) error {
	globals, mutable, opaque, err := rw.globals(rw.remap)
	if err != nil {
		return fmt.Errorf("global section: %w", err)
	}
	out.changed[secGlobal] = globals
	out.noSnapshot = cmp.Or(out.noSnapshot, opaque)
	mutable = append(mutable, rw.fuelGlobal)
	for _, g := range mutable {
		out.snap.Globals = append(out.snap.Globals, globalExport(g))
	}
	if out.changed[secExport], err = rw.exports(rw.remap, rw.stackGlob, mutable); err != nil {
		return fmt.Errorf("export section: %w", err)
	}
	return nil
}

func (rw *rewriter) rewriteStart(out *rewritten) error {
	body := rw.find(secStart)
	if body == nil {
		return nil
	}
	// It would run again in every clone, on the snapshot's memory.
	out.noSnapshot = cmp.Or(out.noSnapshot, "it has a start function")
	f, err := (&reader{b: body}).u32()
	if err != nil {
		return fmt.Errorf("start section: %w", err)
	}
	out.changed[secStart] = appendU32(nil, rw.remap(f))
	return nil
}

func (rw *rewriter) rewriteElements(out *rewritten) error {
	body := rw.find(secElement)
	if body == nil {
		return nil
	}
	var err error
	if out.changed[secElement], err = elements(body, rw.remap); err != nil {
		return fmt.Errorf("element section: %w", err)
	}
	return nil
}

func (rw *rewriter) rewriteTables(out *rewritten) error {
	if rw.find(secTable) != nil {
		out.changed[secTable], out.tableBytes = rw.tableSection()
	}
	return nil
}

// rewriteData moves the active data segments into the snapshot, unless
// there is to be none.
func (rw *rewriter) rewriteData(out *rewritten) error {
	body := rw.find(secData)
	if body == nil {
		return nil
	}
	stripped, segments, why, err := splitData(body)
	if err != nil {
		return fmt.Errorf("data section: %w", err)
	}
	if out.noSnapshot = cmp.Or(out.noSnapshot, why); out.noSnapshot != "" {
		return nil
	}
	out.changed[secData], out.snap.Data = stripped, segments
	if rw.find(secDataCount) != nil {
		kept, _ := (&reader{b: stripped}).u32()
		out.changed[secDataCount] = appendU32(nil, kept)
	}
	return nil
}

func (rw *rewriter) rewriteTypes(out *rewritten) error {
	out.changed[secType] = rw.typeSection()
	return nil
}

type rewriter struct {
	*module
	remap                 func(uint32) uint32
	refuelFunc, stackFunc uint32
	refuelType, stackType uint32
	fuelGlobal, stackGlob uint32
	addedTypes            []funcType
	helpers               []helper          // added functions, see bulkCall
	helperIndex           map[string]uint32 // of each helper, by the instruction it replaces
	backCalls             map[uint64]bool   // direct calls that close a cycle, see backCalls
}

// typeIndex returns the index of a function type equal to t, adding one
// if the module has none.
func (rw *rewriter) typeIndex(t funcType) uint32 {
	all := append(slices.Clip(rw.types), rw.addedTypes...)
	for i, have := range all {
		if slices.Equal(have.params, t.params) && slices.Equal(have.results, t.results) {
			return uint32(i)
		}
	}
	rw.addedTypes = append(rw.addedTypes, t)
	return uint32(len(all))
}

// functionSection declares the guest's functions and the helpers.
func (rw *rewriter) functionSection() []byte {
	defined := rw.funcTypes[rw.importedFuncs:]
	out := appendU32(nil, uint32(len(defined)+len(rw.helpers)))
	for _, t := range defined {
		out = appendU32(out, t)
	}
	for _, h := range rw.helpers {
		out = appendU32(out, h.typ)
	}
	return out
}

func (rw *rewriter) typeSection() []byte {
	out := appendU32(nil, uint32(len(rw.types)+len(rw.addedTypes)))
	for _, t := range append(slices.Clip(rw.types), rw.addedTypes...) {
		out = append(out, 0x60)
		out = append(appendU32(out, uint32(len(t.params))), t.params...)
		out = append(appendU32(out, uint32(len(t.results))), t.results...)
	}
	return out
}
