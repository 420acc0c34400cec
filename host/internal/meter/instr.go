package meter

import "fmt"

// Opcodes the rewriter acts on. Every other opcode is only parsed, so its
// immediates can be stepped over.
const (
	opUnreachable        = 0x00
	opBlock              = 0x02
	opLoop               = 0x03
	opIf                 = 0x04
	opEnd                = 0x0b
	opBr                 = 0x0c
	opBrIf               = 0x0d
	opBrTable            = 0x0e
	opReturn             = 0x0f
	opCall               = 0x10
	opCallIndirect       = 0x11
	opReturnCall         = 0x12
	opReturnCallIndirect = 0x13
	opGlobalGet          = 0x23
	opGlobalSet          = 0x24
	opTableSet           = 0x26
	opI32Const           = 0x41
	opI32Eqz             = 0x45
	opI32LtS             = 0x48
	opI32Add             = 0x6a
	opI32Sub             = 0x6b
	opRefFunc            = 0xd2
	opPrefixMisc         = 0xfc
	opPrefixSIMD         = 0xfd
	opPrefixAtomic       = 0xfe

	blockTypeEmpty = 0x40
)

// instr is one decoded instruction: its opcode, where its bytes lie in the
// body, and the one immediate the rewriter may need.
type instr struct {
	op         byte
	start, end int    // the instruction's bytes, opcode included
	index      uint32 // the function index of call, return_call and ref.func; the sub-opcode of 0xFC
}

// next decodes the instruction at r's position, stepping over every
// immediate of the core specification, bulk memory and reference types
// (0xFC), SIMD (0xFD) and threads (0xFE). An opcode it does not know is an
// error rather than a guess: a wrong length would misread the rest of the
// function.
func next(r *reader) (instr, error) {
	in := instr{start: r.pos}
	op, err := r.byte()
	if err != nil {
		return in, err
	}
	in.op = op
	switch {
	case op == opUnreachable, op == 0x01, op == 0x05, op == opEnd, op == opReturn,
		op == 0x1a, op == 0x1b, op >= 0x45 && op <= 0xc4, op == 0xd1:
		// no immediates
	case op == opBlock, op == opLoop, op == opIf:
		_, err = r.sleb(33)
	case op == opBr, op == opBrIf,
		op >= 0x20 && op <= 0x26, // local.get/set/tee, global.get/set, table.get/set
		op == 0x3f, op == 0x40:   // memory.size, memory.grow
		_, err = r.u32()
	case op == opBrTable: // a vector of labels, then the default
		var n uint32
		if n, err = r.u32(); err == nil {
			err = skipU32s(r, n+1)
		}
	case op == opCall, op == opReturnCall, op == opRefFunc:
		in.index, err = r.u32()
	case op == opCallIndirect, op == opReturnCallIndirect:
		err = skipU32s(r, 2)
	case op == 0x1c: // select with types
		var n uint32
		if n, err = r.u32(); err == nil {
			_, err = r.bytes(n)
		}
	case op >= 0x28 && op <= 0x3e:
		err = skipMemArg(r)
	case op == opI32Const:
		_, err = r.sleb(32)
	case op == 0x42:
		_, err = r.sleb(64)
	case op == 0x43:
		_, err = r.bytes(4)
	case op == 0x44:
		_, err = r.bytes(8)
	case op == 0xd0: // ref.null
		_, err = r.byte()
	case op == opPrefixMisc:
		in.index, err = skipMisc(r)
	case op == opPrefixSIMD:
		err = skipSIMD(r)
	case op == opPrefixAtomic:
		err = skipAtomic(r)
	default:
		return in, fmt.Errorf("unsupported opcode 0x%02x", op)
	}
	in.end = r.pos
	return in, err
}

func skipU32s(r *reader, n uint32) error {
	for range n {
		if _, err := r.u32(); err != nil {
			return err
		}
	}
	return nil
}

// skipMemArg steps over alignment (whose bit 6 announces a memory index,
// in multi-memory modules) and offset.
func skipMemArg(r *reader) error {
	align, err := r.u32()
	if err != nil {
		return err
	}
	if align&0x40 != 0 {
		if _, err := r.u32(); err != nil {
			return err
		}
	}
	_, err = r.u64()
	return err
}

// skipMisc steps over a 0xFC instruction and returns its sub-opcode.
func skipMisc(r *reader) (uint32, error) {
	sub, err := r.u32()
	if err != nil {
		return sub, err
	}
	switch {
	case sub <= 7: // saturating truncations
		return sub, nil
	case sub == 9, sub == 11, sub == 13, sub == 15, sub == 16, sub == 17:
		_, err = r.u32()
		return sub, err
	case sub == 8, sub == 10, sub == 12, sub == 14:
		return sub, skipU32s(r, 2)
	}
	return sub, fmt.Errorf("unsupported opcode 0xfc %d", sub)
}

func skipSIMD(r *reader) error {
	sub, err := r.u32()
	if err != nil {
		return err
	}
	switch {
	case sub <= 11, sub == 92, sub == 93: // loads and stores
		return skipMemArg(r)
	case sub == 12, sub == 13: // v128.const, i8x16.shuffle
		_, err = r.bytes(16)
		return err
	case sub >= 21 && sub <= 34: // extract and replace lane
		_, err = r.byte()
		return err
	case sub >= 84 && sub <= 91: // load and store lane
		if err := skipMemArg(r); err != nil {
			return err
		}
		_, err = r.byte()
		return err
	case sub <= 0x113: // the rest of SIMD and relaxed SIMD: no immediates
		return nil
	}
	return fmt.Errorf("unsupported opcode 0xfd %d", sub)
}

func skipAtomic(r *reader) error {
	sub, err := r.u32()
	if err != nil {
		return err
	}
	switch {
	case sub == 3: // atomic.fence
		_, err = r.byte()
		return err
	case sub <= 2, sub >= 0x10 && sub <= 0x4e:
		return skipMemArg(r)
	}
	return fmt.Errorf("unsupported opcode 0xfe %d", sub)
}

// copyExpr copies a constant expression (a global's initialiser, an
// element segment's offset or item) up to and including its end,
// renumbering the function index of ref.func.
func copyExpr(r *reader, out []byte, remap func(uint32) uint32) ([]byte, error) {
	for {
		in, err := next(r)
		if err != nil {
			return out, err
		}
		if in.op == opRefFunc {
			out = appendU32(append(out, opRefFunc), remap(in.index))
		} else {
			out = append(out, r.b[in.start:in.end]...)
		}
		if in.op == opEnd {
			return out, nil
		}
	}
}
