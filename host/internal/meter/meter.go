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

// assemble emits the sections in order, the changed ones in place of the
// originals and the new ones where the order puts them.
func (m *module) assemble(changed map[byte][]byte, remap func(uint32) uint32) []byte {
	out := append([]byte(nil), "\x00asm\x01\x00\x00\x00"...)
	emit := func(id byte, body []byte) {
		out = append(out, id)
		out = appendU32(out, uint32(len(body)))
		out = append(out, body...)
	}
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
	return out
}
