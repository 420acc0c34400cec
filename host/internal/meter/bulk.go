package meter

import "fmt"

// Bulk instructions (memory.fill, memory.copy, memory.init, table.fill,
// table.copy, table.init) and the grow instructions take time in
// proportion to an operand, yet are one instruction: counted as one unit of
// fuel, a loop of them would reach refuel only every few minutes, and
// wazero's compiled code has no Go safe point, so a garbage collection
// waiting to stop the world would wait for it too. The rewrite turns every
// such instruction into a call to a helper function it adds to the module,
// one per distinct instruction (immediates included). A helper
//
//   - runs the original instruction as it is when the length is at most
//     one chunk or the operands are out of bounds, so small operations and
//     traps keep their exact semantics (a trap happens before any write);
//   - otherwise works in chunks of the original instruction, charging fuel
//     for each chunk and calling Refuel when it runs out, so no more than a
//     chunk's work and a budget's fuel separate two returns to the host.
//     An overlapping copy to a higher address goes backwards, chunk by
//     chunk, as memmove does; an init first copies the last unit of its
//     range, which traps (before any write) when the segment is too short
//     and otherwise writes what the whole operation would write there;
//   - for table.grow, charges fuel for the new size first (wazero copies
//     the table to grow it); for memory.grow, for the delta.
const (
	memoryChunk = 64 << 10 // bytes a chunked memory helper moves at once
	tableChunk  = 8 << 10  // elements a chunked table helper moves at once
	// ByteCostShift: a byte of bulk memory work costs 2^-ByteCostShift
	// fuel. Two units per byte keep a budget of bulk work (512 KiB at the
	// host's fuelBudget of 2^20) within a millisecond even at the 1 GB/s
	// seen on a loaded machine (a unit per byte took 1.3 ms).
	ByteCostShift = -1
	// elementCostShift: a table element (a pointer in wazero) costs a
	// unit of fuel.
	elementCostShift = 0
	// maxChargedUnits bounds a single charge, so it cannot overflow fuel.
	maxChargedUnits = 1 << 24
)

// Sub-opcodes of the 0xFC instructions the helpers replace.
const (
	subMemoryInit = 8
	subMemoryCopy = 10
	subMemoryFill = 11
	subTableInit  = 12
	subTableCopy  = 14
	subTableGrow  = 15
	subTableFill  = 17
	subTableSize  = 16
	opMemorySize  = 0x3f
	opMemoryGrow  = 0x40
)

// Opcodes only the helpers use.
const (
	opLocalGet     = 0x20
	opLocalSet     = 0x21
	opSelect       = 0x1b
	opI32LtU       = 0x49
	opI32GtU       = 0x4b
	opI32LeU       = 0x4d
	opI32Or        = 0x72
	opI32Shl       = 0x74
	opI32ShrU      = 0x76
	opI64Const     = 0x42
	opI64GtU       = 0x56
	opI64Add       = 0x7c
	opI64Shl       = 0x86
	opI64ExtendI32 = 0xad // i64.extend_i32_u
)

// helper is a function the rewrite adds to the module.
type helper struct {
	typ  uint32
	body []byte // locals and code, without the size
}

// bulkCall returns the function index of the helper that replaces the
// instruction raw (its opcode and immediates), adding the helper if it is
// the first of its kind, or false when raw needs none.
func (rw *rewriter) bulkCall(raw []byte, op byte) (uint32, bool, error) {
	var sub uint32
	var imm []uint32
	r := &reader{b: raw, pos: 1}
	if op == opPrefixMisc {
		sub, _ = r.u32() // next has decoded raw already
	}
	for !r.done() {
		v, _ := r.u32()
		imm = append(imm, v)
	}
	if f, ok := rw.helperIndex[string(raw)]; ok {
		return f, true, nil
	}
	var h helper
	switch {
	case op == opMemoryGrow:
		h = rw.growHelper(raw, imm, nil, 10) // a unit per 64 bytes of a 2^16-byte page
	case op != opPrefixMisc:
		return 0, false, nil
	case sub == subMemoryFill, sub == subMemoryCopy, sub == subMemoryInit:
		h = rw.chunkedHelper(raw, sub, imm, []byte{valI32, valI32, valI32})
	case sub == subTableFill, sub == subTableCopy, sub == subTableInit, sub == subTableGrow:
		if len(imm) == 0 { // not reached: next checked the immediates
			return 0, false, nil
		}
		table := imm[len(imm)-1] // the destination: table.init's second immediate, the others' first
		if sub == subTableCopy || sub == subTableFill || sub == subTableGrow {
			table = imm[0]
		}
		if int(table) >= len(rw.tableTypes) {
			return 0, false, fmt.Errorf("%s uses table %d, which does not exist", miscName(sub), table)
		}
		ref := rw.tableTypes[table]
		if sub == subTableGrow {
			h = rw.growHelper(raw, imm, []byte{ref}, 0)
			break
		}
		second := byte(valI32)
		if sub == subTableFill {
			second = ref
		}
		h = rw.chunkedHelper(raw, sub, imm, []byte{valI32, second, valI32})
	default:
		return 0, false, nil
	}
	f := 2 + uint32(len(rw.funcTypes)+len(rw.helpers)) // after every function of the guest
	rw.helpers = append(rw.helpers, h)
	rw.helperIndex[string(raw)] = f
	return f, true, nil
}

func miscName(sub uint32) string {
	if name := miscStateChanges[sub]; name != "" {
		return name
	}
	return fmt.Sprintf("instruction 0xfc %d", sub)
}

// asm appends instructions to a helper's body.
type asm []byte

func (a asm) op(ops ...byte) asm           { return append(a, ops...) }
func (a asm) get(local byte) asm           { return append(a, opLocalGet, local) }
func (a asm) set(local byte) asm           { return append(a, opLocalSet, local) }
func (a asm) i32(v int32) asm              { return appendS32(append(a, opI32Const), v) }
func (a asm) global(op byte, g uint32) asm { return asm(appendU32(append(a, op), g)) }

// minConst leaves min(local, c) on the stack, unsigned.
func (a asm) minConst(local byte, c int32) asm {
	return a.get(local).i32(c).get(local).i32(c).op(opI32LtU, opSelect)
}

// charge burns (local >> shift) + 1 fuel (<< -shift if shift is negative),
// calling refuel if it runs out.
func (rw *rewriter) charge(a asm, local byte, shift int32) asm {
	a = a.global(opGlobalGet, rw.fuelGlobal).get(local)
	switch {
	case shift > 0:
		a = a.i32(shift).op(opI32ShrU)
	case shift < 0: // the local is at most a chunk: no overflow
		a = a.i32(-shift).op(opI32Shl)
	}
	a = a.op(opI32Sub).i32(1).op(opI32Sub).global(opGlobalSet, rw.fuelGlobal)
	a = a.global(opGlobalGet, rw.fuelGlobal).i32(0).op(opI32LtS, opIf, blockTypeEmpty)
	a = a.global(opCall, rw.refuelFunc).global(opGlobalSet, rw.fuelGlobal)
	return a.op(opEnd)
}

// chunkedHelper builds the helper of a bulk instruction whose operands are
// (destination, source or value, length), locals 0 to 2; local 3 is the
// chunk's length.
func (rw *rewriter) chunkedHelper(raw []byte, sub uint32, imm []uint32, params []byte) helper {
	const dst, src, n, c = 0, 1, 2, 3
	chunk, shift := int32(memoryChunk), int32(ByteCostShift)
	if sub == subTableFill || sub == subTableCopy || sub == subTableInit {
		chunk, shift = tableChunk, elementCostShift
	}
	// The bounds the operands must stay within: (operand, i64 size).
	type bound struct {
		operand byte
		size    asm
	}
	memSize := func(mem uint32) asm {
		return asm(appendU32(asm{opMemorySize}, mem)).op(opI64ExtendI32, opI64Const, 16, opI64Shl)
	}
	tableSize := func(t uint32) asm {
		return asm(appendU32(appendU32(asm{opPrefixMisc}, subTableSize), t)).op(opI64ExtendI32)
	}
	u32End := asm(appendS64(asm{opI64Const}, 1<<32)) // a segment is shorter than this
	var bounds []bound
	switch sub {
	case subMemoryFill:
		bounds = []bound{{dst, memSize(imm[0])}}
	case subMemoryCopy:
		bounds = []bound{{dst, memSize(imm[0])}, {src, memSize(imm[1])}}
	case subMemoryInit:
		bounds = []bound{{dst, memSize(imm[1])}, {src, u32End}}
	case subTableFill:
		bounds = []bound{{dst, tableSize(imm[0])}}
	case subTableCopy:
		bounds = []bound{{dst, tableSize(imm[0])}, {src, tableSize(imm[1])}}
	case subTableInit:
		bounds = []bound{{dst, tableSize(imm[1])}, {src, u32End}}
	}
	original := asm{}.get(dst).get(src).get(n).op(raw...)

	// One chunk (the common case, tested first) or out of bounds: the
	// instruction as it was.
	a := asm(appendU32(nil, 1))
	a = append(a, 1, valI32) // local 3
	a = a.get(n).i32(chunk).op(opI32LeU, opIf, blockTypeEmpty).op(original...)
	a = rw.charge(a, n, shift).op(opReturn, opEnd)
	a = a.i32(0)
	for _, b := range bounds {
		a = a.get(b.operand).op(opI64ExtendI32).get(n).op(opI64ExtendI32, opI64Add)
		a = append(a, b.size...).op(opI64GtU, opI32Or)
	}
	a = a.op(opIf, blockTypeEmpty).op(original...).op(opReturn, opEnd)

	init := sub == subMemoryInit || sub == subTableInit
	if init { // the last unit first: traps now if the segment is too short
		a = a.get(dst).get(n).op(opI32Add).i32(1).op(opI32Sub)
		a = a.get(src).get(n).op(opI32Add).i32(1).op(opI32Sub)
		a = a.i32(1).op(raw...)
	}
	if sub == subMemoryCopy || sub == subTableCopy { // backwards when dst > src
		a = a.get(dst).get(src).op(opI32GtU, opIf, blockTypeEmpty, opLoop, blockTypeEmpty)
		a = a.minConst(n, chunk).set(c)
		a = a.get(n).get(c).op(opI32Sub).set(n)
		a = a.get(dst).get(n).op(opI32Add).get(src).get(n).op(opI32Add).get(c).op(raw...)
		a = rw.charge(a, c, shift)
		a = a.get(n).op(opBrIf, 0, opEnd, opReturn, opEnd)
	}
	a = a.op(opLoop, blockTypeEmpty)
	a = a.minConst(n, chunk).set(c)
	a = a.get(dst).get(src).get(c).op(raw...)
	a = a.get(dst).get(c).op(opI32Add).set(dst)
	if sub != subMemoryFill && sub != subTableFill {
		a = a.get(src).get(c).op(opI32Add).set(src)
	}
	a = a.get(n).get(c).op(opI32Sub).set(n)
	a = rw.charge(a, c, shift)
	a = a.get(n).op(opBrIf, 0, opEnd, opEnd)
	return helper{typ: rw.typeIndex(funcType{params: params}), body: a}
}

// growHelper builds the helper of memory.grow (operand: pages), which
// charges for the delta shifted left by shift, or of table.grow (operands:
// value, elements), which charges for the size after growing.
func (rw *rewriter) growHelper(raw []byte, imm []uint32, ref []byte, shift int32) helper {
	delta := byte(len(ref))
	cost := delta + 1
	a := asm(appendU32(nil, 1))
	a = append(a, 1, valI32)
	// wazero copies a table to grow it: the cost is the new size. The
	// engine's memory is reserved up front and grows in place, its new
	// pages zeroed by the kernel when first touched (by instructions that
	// pay): the cost is the delta, at a unit per 64 bytes.
	a = a.minConst(delta, maxChargedUnits>>shift)
	if len(ref) != 0 {
		a = asm(appendU32(appendU32(append(a, opPrefixMisc), subTableSize), imm[0]))
		a = a.op(opI32Add).set(cost).minConst(cost, maxChargedUnits>>shift)
	}
	if shift > 0 {
		a = a.i32(shift).op(opI32Shl)
	}
	a = a.set(cost)
	a = rw.charge(a, cost, 0)
	for i := range delta + 1 {
		a = a.get(i)
	}
	a = a.op(raw...).op(opEnd)
	return helper{typ: rw.typeIndex(funcType{params: append(ref, valI32), results: []byte{valI32}}), body: a}
}
