// Package meter rewrites a guest module, before it is compiled, so that no
// run can escape its time limit or grow its call stack without bound, and so
// that well-behaved code pays almost nothing for it.
//
// The rewritten module carries two mutable globals and two functions it
// imports from the host module ImportModule:
//
//   - fuel: every function that can run for long (one that loops or
//     calls) subtracts, on entry and at each loop header, the number of
//     instructions of the straight-line region that follows. When fuel falls
//     below zero the code calls Refuel, which checks the run's deadline, ends
//     the run if it has passed, and otherwise returns the next budget. Every
//     back edge of a wasm program targets a loop header and every recursion
//     passes through a function entry, so no loop or recursion runs for more
//     than one budget without asking the host.
//   - depth: every function that calls another decrements the exported
//     global StackExport on entry and restores it on exit; when it is zero on
//     entry the code calls StackExhausted, which ends the run. The host sets
//     the global to the job's stack limit before the first call.
//
// Instructions whose cost grows with an operand (bulk memory and table
// operations, memory.grow, table.grow) become calls to helper functions the
// rewrite adds, which work in chunks and burn fuel for each (bulk.go), so no
// guest runs longer than a chunk and a budget between two returns to the
// host.
//
// Before any of this, a module beyond the structural limits of limits.go
// (nesting, br_table targets, functions, code size, tables, globals...) is
// refused, so that one that passes compiles within a stated bound. Table
// maximums are cut to keep all tables within a bound, whose memory Module
// reports.
//
// It also exports every mutable global under GlobalExportPrefix, so the host
// can read and restore an instance's whole state (see Snapshot).
//
// Only the sections that must change are re-encoded; every other section,
// custom ones included, passes through byte for byte.
package meter

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The names the rewriter adds. A guest may not use them itself: every
// export named with ReservedPrefix is refused.
const (
	ImportModule       = "jobbox_meter"
	Refuel             = "refuel"          // () -> i32: the next fuel budget; ends the run past its deadline
	StackExhausted     = "stack_exhausted" // () -> (): ends the run; never returns
	ReservedPrefix     = "jobbox_meter_"
	StackExport        = ReservedPrefix + "stack"
	GlobalExportPrefix = ReservedPrefix + "global_" // followed by the global's index
)

// Module is a rewritten guest.
type Module struct {
	Wasm []byte
	// Snapshot says how to capture and restore an instance of Wasm, or is
	// nil when the guest keeps state a snapshot cannot hold; NoSnapshot
	// then says why.
	Snapshot   *Snapshot
	NoSnapshot string
	// TableBytes is the most host memory the tables of an instance can
	// take, grown to their (rewritten) maximums. wazero keeps tables
	// outside the guest's linear memory, so the host must count them
	// against the job's memory limit itself.
	TableBytes uint64
}

// Snapshot is what the host needs to clone instances of a module: once an
// instance has initialised, its linear memory and the globals named here
// are its whole state. (Tables are fixed by the element segments, since the
// guest has no instruction that changes them, and the guest has no passive
// data segment it could still copy.)
type Snapshot struct {
	// Globals are the export names of every mutable global.
	Globals []string
	// Data are the guest's active data segments, which the rewrite removes
	// from Wasm so that instantiating it does not write memory a clone maps
	// from its snapshot. The host writes them into the first instance, the
	// one it snapshots, before calling it.
	Data []Segment
}

// Segment is an active data segment.
type Segment struct {
	Offset uint32
	Bytes  []byte
}

// InitialFuel is the fuel a fresh instance starts with, in instructions.
const InitialFuel = 1 << 20

// DefaultStackDepth is the call depth a rewritten module allows until the
// host sets StackExport.
const DefaultStackDepth = 20_000

const (
	secCustom    = 0
	secType      = 1
	secImport    = 2
	secFunction  = 3
	secTable     = 4
	secMemory    = 5
	secGlobal    = 6
	secExport    = 7
	secStart     = 8
	secElement   = 9
	secCode      = 10
	secData      = 11
	secDataCount = 12
	secTag       = 13

	kindFunc   = 0
	kindTable  = 1
	kindMemory = 2
	kindGlobal = 3

	valI32 = 0x7f
	valF64 = 0x7c
)

// sectionOrder is where each known section must appear in a module.
var sectionOrder = map[byte]int{
	secType: 1, secImport: 2, secFunction: 3, secTable: 4, secMemory: 5, secTag: 6,
	secGlobal: 7, secExport: 8, secStart: 9, secElement: 10, secDataCount: 11, secCode: 12, secData: 13,
}

// vectorSections start with a count of entries, each at least a byte long.
var vectorSections = map[byte]bool{
	secType: true, secImport: true, secFunction: true, secTable: true, secMemory: true, secTag: true,
	secGlobal: true, secExport: true, secElement: true, secCode: true, secData: true,
}

type section struct {
	id   byte
	body []byte
}

type funcType struct {
	params, results []byte
}

// module is what the rewriter learns of a guest before changing it.
type module struct {
	sections []section
	types    []funcType
	// funcTypes has the type index of every function, imported ones first.
	funcTypes       []uint32
	importedFuncs   uint32
	importedGlobals uint32
	definedGlobals  uint32
	tableTypes      []byte  // the reference type of every table, imported ones first
	tables          []table // the defined tables
}

// Instrument returns bin rewritten as the package comment describes. It
// fails, naming what is wrong, when bin is not a module it can rewrite.
func Instrument(bin []byte) (*Module, error) {
	m, err := parse(bin)
	if err != nil {
		return nil, err
	}
	return m.rewrite()
}

func parse(bin []byte) (*module, error) {
	if len(bin) < 8 || string(bin[:4]) != "\x00asm" {
		return nil, errors.New("not a WebAssembly module (bad magic number)")
	}
	if string(bin[4:8]) != "\x01\x00\x00\x00" {
		return nil, errors.New("not a WebAssembly 1.0 module (unsupported version)")
	}
	m := &module{}
	r := &reader{b: bin, pos: 8}
	last := 0
	for !r.done() {
		id, body, err := r.section()
		if err != nil {
			return nil, fmt.Errorf("section %d: %w", id, err)
		}
		if id != secCustom {
			order, ok := sectionOrder[id]
			if !ok {
				return nil, fmt.Errorf("unknown section %d", id)
			}
			if order <= last {
				return nil, fmt.Errorf("section %d is out of order or repeated", id)
			}
			last = order
		}
		if id == secCustom {
			// Only the name section matters (for stack traces); the others
			// would be one more thing for the compiler to parse.
			if name, ok := customName(body); !ok || name != "name" {
				continue
			}
		} else if vectorSections[id] {
			// wazero allocates a vector before reading it; a count the
			// bytes cannot hold would have it allocate gigabytes.
			n, err := (&reader{b: body}).u32()
			if err != nil {
				return nil, fmt.Errorf("section %d: %w", id, err)
			}
			if uint64(n) > uint64(len(body)) {
				return nil, fmt.Errorf("section %d claims %d entries in %d bytes", id, n, len(body))
			}
			if id == secGlobal {
				m.definedGlobals = n
			}
		}
		m.sections = append(m.sections, section{id, body})
	}
	if err := m.readTypes(); err != nil {
		return nil, fmt.Errorf("type section: %w", err)
	}
	if err := m.readImports(); err != nil {
		return nil, fmt.Errorf("import section: %w", err)
	}
	if err := m.readFunctions(); err != nil {
		return nil, fmt.Errorf("function section: %w", err)
	}
	if err := m.readTables(); err != nil {
		return nil, fmt.Errorf("table section: %w", err)
	}
	if err := m.checkCounts(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *module) find(id byte) []byte {
	for _, s := range m.sections {
		if s.id == id {
			return s.body
		}
	}
	return nil
}

// vector reads a count-prefixed vector (a section or a subsection), calling
// entry for each entry with r at its start. A nil body, an absent section,
// has no entries; bytes after the last entry are an error.
func vector(body []byte, entry func(i uint32, r *reader) error) (uint32, error) {
	if body == nil {
		return 0, nil
	}
	r := &reader{b: body}
	n, err := r.u32()
	if err != nil {
		return 0, err
	}
	for i := uint32(0); i < n; i++ {
		if err := entry(i, r); err != nil {
			return n, err
		}
	}
	if !r.done() {
		return n, errors.New("trailing bytes after the last entry")
	}
	return n, nil
}

func (m *module) readTypes() error {
	_, err := vector(m.find(secType), func(i uint32, r *reader) error {
		form, err := r.byte()
		if err != nil {
			return err
		}
		if form != 0x60 {
			return fmt.Errorf("type %d is not a function type (form 0x%x)", i, form)
		}
		var t funcType
		for _, dst := range []*[]byte{&t.params, &t.results} {
			count, err := r.u32()
			if err != nil {
				return err
			}
			if *dst, err = r.bytes(count); err != nil {
				return err
			}
		}
		m.types = append(m.types, t)
		return nil
	})
	return err
}

func (m *module) readImports() error {
	_, err := vector(m.find(secImport), func(_ uint32, r *reader) error {
		mod, err := r.name()
		if err != nil {
			return err
		}
		name, err := r.name()
		if err != nil {
			return err
		}
		if mod == ImportModule {
			return fmt.Errorf("the guest imports %s.%s: that module is reserved for the host", mod, name)
		}
		kind, err := r.byte()
		if err != nil {
			return err
		}
		switch kind {
		case kindFunc:
			t, err := r.u32()
			if err != nil {
				return err
			}
			m.funcTypes = append(m.funcTypes, t)
			m.importedFuncs++
		case kindTable:
			ref, err := r.byte()
			if err != nil {
				return err
			}
			m.tableTypes = append(m.tableTypes, ref)
			err = r.limits()
		case kindMemory:
			err = r.limits()
		case kindGlobal:
			_, err = r.bytes(2)
			m.importedGlobals++
		default:
			return fmt.Errorf("import %s.%s has unknown kind %d", mod, name, kind)
		}
		return err
	})
	return err
}

func (m *module) readFunctions() error {
	_, err := vector(m.find(secFunction), func(_ uint32, r *reader) error {
		t, err := r.u32()
		m.funcTypes = append(m.funcTypes, t)
		return err
	})
	return err
}

// rewrite adds the imports, globals and export, renumbers every reference
// to a defined function (they move up by the two added imports), and
// instruments the code.
func (m *module) rewrite() (*Module, error) {
	for _, t := range m.funcTypes {
		if int(t) >= len(m.types) {
			return nil, fmt.Errorf("a function has type %d, which does not exist", t)
		}
	}
	imported := m.importedFuncs
	remap := func(f uint32) uint32 {
		if f >= imported {
			return f + 2
		}
		return f
	}
	rw := &rewriter{
		module:      m,
		remap:       remap,
		refuelFunc:  imported,
		stackFunc:   imported + 1,
		fuelGlobal:  m.importedGlobals + m.definedGlobals,
		stackGlob:   m.importedGlobals + m.definedGlobals + 1,
		helperIndex: map[string]uint32{},
	}
	refuelType := rw.typeIndex(funcType{results: []byte{valI32}})
	stackType := rw.typeIndex(funcType{})

	changed := map[byte][]byte{}
	snap := &Snapshot{}
	var noSnapshot string
	var err error
	if body := m.find(secCode); body != nil {
		if changed[secCode], noSnapshot, err = rw.code(body); err != nil {
			return nil, err
		}
	}
	if len(rw.helpers) > 0 {
		changed[secFunction] = rw.functionSection()
	}
	if changed[secImport], err = m.imports(refuelType, stackType); err != nil {
		return nil, fmt.Errorf("import section: %w", err)
	}
	var mutable []uint32
	var opaque string
	if changed[secGlobal], mutable, opaque, err = m.globals(remap); err != nil {
		return nil, fmt.Errorf("global section: %w", err)
	}
	noSnapshot = cmp.Or(noSnapshot, opaque)
	mutable = append(mutable, rw.fuelGlobal)
	for _, g := range mutable {
		snap.Globals = append(snap.Globals, globalExport(g))
	}
	if changed[secExport], err = m.exports(remap, rw.stackGlob, mutable); err != nil {
		return nil, fmt.Errorf("export section: %w", err)
	}
	if body := m.find(secStart); body != nil {
		// It would run again in every clone, on the snapshot's memory.
		noSnapshot = cmp.Or(noSnapshot, "it has a start function")
		r := &reader{b: body}
		f, err := r.u32()
		if err != nil {
			return nil, fmt.Errorf("start section: %w", err)
		}
		changed[secStart] = appendU32(nil, remap(f))
	}
	if body := m.find(secElement); body != nil {
		if changed[secElement], err = elements(body, remap); err != nil {
			return nil, fmt.Errorf("element section: %w", err)
		}
	}
	var tableBytes uint64
	if m.find(secTable) != nil {
		changed[secTable], tableBytes = m.tableSection()
	}
	if body := m.find(secData); body != nil {
		stripped, segments, why, err := splitData(body)
		if err != nil {
			return nil, fmt.Errorf("data section: %w", err)
		}
		if noSnapshot = cmp.Or(noSnapshot, why); noSnapshot == "" {
			changed[secData], snap.Data = stripped, segments
			if m.find(secDataCount) != nil {
				kept, _ := (&reader{b: stripped}).u32()
				changed[secDataCount] = appendU32(nil, kept)
			}
		}
	}
	changed[secType] = rw.typeSection()

	out := append([]byte(nil), "\x00asm\x01\x00\x00\x00"...)
	emit := func(id byte, body []byte) {
		out = append(out, id)
		out = appendU32(out, uint32(len(body)))
		out = append(out, body...)
	}
	// Emit the sections in order, the changed ones in place of the
	// originals and the new ones where the order puts them.
	placed := map[byte]bool{}
	emitNewBefore := func(order int) {
		for _, id := range []byte{secType, secImport, secGlobal, secExport} {
			if !placed[id] && sectionOrder[id] < order {
				emit(id, changed[id])
				placed[id] = true
			}
		}
	}
	for _, s := range m.sections {
		switch {
		case s.id == secCustom: // the name section: parse kept no other
			if body, err := names(s.body, remap); err == nil {
				emit(secCustom, body)
			} // a name section it cannot read is debugging data: dropped
		default:
			emitNewBefore(sectionOrder[s.id])
			if body, ok := changed[s.id]; ok {
				emit(s.id, body)
				placed[s.id] = true
			} else {
				emit(s.id, s.body)
			}
		}
	}
	emitNewBefore(len(sectionOrder) + 1)
	if noSnapshot != "" {
		return &Module{Wasm: out, NoSnapshot: noSnapshot, TableBytes: tableBytes}, nil
	}
	return &Module{Wasm: out, Snapshot: snap, TableBytes: tableBytes}, nil
}

type rewriter struct {
	*module
	remap                 func(uint32) uint32
	refuelFunc, stackFunc uint32
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

// imports appends the two host functions after the guest's own imports,
// which is why every defined function's index moves up by two.
func (m *module) imports(refuelType, stackType uint32) ([]byte, error) {
	var n uint32
	var rest []byte
	if body := m.find(secImport); body != nil {
		r := &reader{b: body}
		var err error
		if n, err = r.u32(); err != nil {
			return nil, err
		}
		rest = body[r.pos:]
	}
	out := appendU32(nil, n+2)
	out = append(out, rest...)
	for _, f := range []struct {
		name string
		typ  uint32
	}{{Refuel, refuelType}, {StackExhausted, stackType}} {
		out = appendName(out, ImportModule)
		out = appendName(out, f.name)
		out = append(out, kindFunc)
		out = appendU32(out, f.typ)
	}
	return out, nil
}

// globals re-encodes the guest's globals (an initialiser may be ref.func)
// and appends fuel and stack depth. It returns the indices of the mutable
// numeric globals, and names a mutable global whose value a snapshot cannot
// carry to another instance (a vector, or a reference into the instance).
func (m *module) globals(remap func(uint32) uint32) (out []byte, mutable []uint32, opaque string, err error) {
	out = appendU32(nil, m.definedGlobals+2)
	_, err = vector(m.find(secGlobal), func(i uint32, r *reader) error {
		typ, err := r.bytes(2)
		if err != nil {
			return err
		}
		switch index := m.importedGlobals + i; {
		case typ[1] != 1:
		case numeric(typ[0]):
			mutable = append(mutable, index)
		case opaque == "":
			opaque = fmt.Sprintf("global %d is mutable and of type 0x%02x", index, typ[0])
		}
		out = append(out, typ...)
		if out, err = copyExpr(r, out, remap); err != nil {
			return fmt.Errorf("global %d: %w", i, err)
		}
		return nil
	})
	if err != nil {
		return nil, nil, "", err
	}
	for _, init := range []int32{InitialFuel, DefaultStackDepth} {
		out = append(out, valI32, 1, opI32Const)
		out = appendS32(out, init)
		out = append(out, opEnd)
	}
	return out, mutable, opaque, nil
}

// numeric reports whether a value type is i32, i64, f32 or f64.
func numeric(t byte) bool { return t >= valF64 && t <= valI32 }

// globalExport is the name global g is exported under.
func globalExport(g uint32) string { return GlobalExportPrefix + strconv.FormatUint(uint64(g), 10) }

// exports renumbers exported functions and exports the stack global and
// the mutable globals, under names the guest may not use.
func (m *module) exports(remap func(uint32) uint32, stackGlobal uint32, globals []uint32) ([]byte, error) {
	var out []byte
	n, err := vector(m.find(secExport), func(_ uint32, r *reader) error {
		name, err := r.name()
		if err != nil {
			return err
		}
		if strings.HasPrefix(name, ReservedPrefix) {
			return fmt.Errorf("the guest exports %s: names starting %s are reserved for the host", name, ReservedPrefix)
		}
		kind, err := r.byte()
		if err != nil {
			return err
		}
		idx, err := r.u32()
		if kind == kindFunc {
			idx = remap(idx)
		}
		out = appendU32(append(appendName(out, name), kind), idx)
		return err
	})
	if err != nil {
		return nil, err
	}
	out = appendU32(append(appendName(out, StackExport), kindGlobal), stackGlobal)
	for _, g := range globals {
		out = appendU32(append(appendName(out, globalExport(g)), kindGlobal), g)
	}
	return append(appendU32(nil, n+1+uint32(len(globals))), out...), nil
}

// splitData reads the data section and returns it without its active
// segments, and those segments. (Instantiation evaluates every segment's
// offset, and Go emits thousands: an emptied segment would still cost.)
// The data count section, if any, must then count the segments kept;
// without memory.init and data.drop nothing else refers to them by index.
// why is not empty when a
// snapshot cannot stand in for the segments: one is placed by a global
// rather than a constant.
func splitData(body []byte) (stripped []byte, segments []Segment, why string, err error) {
	var out []byte
	var kept uint32
	_, err = vector(body, func(i uint32, r *reader) error {
		start := r.pos
		flags, err := r.u32()
		if err != nil {
			return err
		}
		if flags > 2 {
			return fmt.Errorf("segment %d has unknown flags %d", i, flags)
		}
		if flags == 2 {
			if _, err := r.u32(); err != nil {
				return err
			}
		}
		var offset int32
		if flags != 1 {
			expr, err := copyExpr(r, nil, func(f uint32) uint32 { return f })
			if err != nil {
				return fmt.Errorf("segment %d: %w", i, err)
			}
			var ok bool
			if offset, ok = constOffset(expr); !ok && why == "" {
				why = fmt.Sprintf("data segment %d is placed by an expression, not a constant", i)
			}
		}
		size, err := r.u32()
		if err != nil {
			return err
		}
		data, err := r.bytes(size)
		if err != nil {
			return fmt.Errorf("segment %d claims %d bytes: %w", i, size, err)
		}
		if flags == 1 { // passive: kept, though no instruction can copy it
			out = append(out, body[start:r.pos]...)
			kept++
			return nil
		}
		segments = append(segments, Segment{Offset: uint32(offset), Bytes: data})
		return nil
	})
	if err != nil {
		return nil, nil, "", err
	}
	return append(appendU32(nil, kept), out...), segments, why, nil
}

// constOffset returns the value of an offset expression that is one
// i32.const.
func constOffset(expr []byte) (int32, bool) {
	r := &reader{b: expr}
	if op, err := r.byte(); err != nil || op != opI32Const {
		return 0, false
	}
	v, err := r.sleb(32)
	if err != nil || r.pos != len(expr)-1 || expr[r.pos] != opEnd {
		return 0, false
	}
	return int32(v), true
}

// elements renumbers the function indices of every element segment form.
func elements(body []byte, remap func(uint32) uint32) ([]byte, error) {
	var out []byte
	n, err := vector(body, func(i uint32, r *reader) error {
		flags, err := r.u32()
		if err != nil {
			return err
		}
		if flags > 7 {
			return fmt.Errorf("segment %d has unknown flags %d", i, flags)
		}
		out = appendU32(out, flags)
		copyU32 := func() error {
			v, err := r.u32()
			out = appendU32(out, v)
			return err
		}
		copyByte := func() error {
			c, err := r.byte()
			out = append(out, c)
			return err
		}
		active, explicitTable, usesExprs := flags&1 == 0, flags&2 != 0, flags&4 != 0
		if active && explicitTable {
			if err := copyU32(); err != nil {
				return err
			}
		}
		if active {
			if out, err = copyExpr(r, out, remap); err != nil {
				return err
			}
		}
		if !active || explicitTable { // elemkind or reftype
			if err := copyByte(); err != nil {
				return err
			}
		}
		count, err := r.u32()
		if err != nil {
			return err
		}
		out = appendU32(out, count)
		for j := uint32(0); j < count; j++ {
			if usesExprs {
				if out, err = copyExpr(r, out, remap); err != nil {
					return err
				}
				continue
			}
			f, err := r.u32()
			if err != nil {
				return err
			}
			out = appendU32(out, remap(f))
		}
		return nil
	})
	return append(appendU32(nil, n), out...), err
}

func customName(body []byte) (string, bool) {
	r := &reader{b: body}
	name, err := r.name()
	return name, err == nil
}

// names renumbers the function, local and label names of a name section,
// keeping the other subsections as they are.
func names(body []byte, remap func(uint32) uint32) ([]byte, error) {
	r := &reader{b: body}
	if _, err := r.name(); err != nil {
		return nil, err
	}
	out := append([]byte(nil), body[:r.pos]...)
	for !r.done() {
		id, sub, err := r.section()
		if err != nil {
			return nil, err
		}
		switch id {
		case 1: // function names: a name map keyed by function
			if sub, err = nameMap(sub, remap, false); err != nil {
				return nil, err
			}
		case 2, 3: // local and label names: indirect maps keyed by function
			if sub, err = nameMap(sub, remap, true); err != nil {
				return nil, err
			}
		}
		out = append(out, id)
		out = appendU32(out, uint32(len(sub)))
		out = append(out, sub...)
	}
	return out, nil
}

func nameMap(sub []byte, remap func(uint32) uint32, indirect bool) ([]byte, error) {
	var out []byte
	n, err := vector(sub, func(_ uint32, r *reader) error {
		f, err := r.u32()
		if err != nil {
			return err
		}
		out = appendU32(out, remap(f))
		start := r.pos
		count := uint32(1) // a name map has one name per entry; an indirect one, a name map
		if indirect {
			if count, err = r.u32(); err != nil {
				return err
			}
		}
		for j := uint32(0); j < count; j++ {
			if indirect {
				if _, err := r.u32(); err != nil {
					return err
				}
			}
			if _, err := r.name(); err != nil {
				return err
			}
		}
		out = append(out, sub[start:r.pos]...)
		return nil
	})
	return append(appendU32(nil, n), out...), err
}
