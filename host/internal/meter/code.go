package meter

import (
	"errors"
	"fmt"
)

// code instruments every function body of the code section.
func (rw *rewriter) code(body []byte) ([]byte, error) {
	r := &reader{b: body}
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	if uint64(n)+uint64(rw.importedFuncs) != uint64(len(rw.funcTypes)) {
		return nil, fmt.Errorf("code section has %d bodies for %d functions", n, len(rw.funcTypes)-int(rw.importedFuncs))
	}
	out := appendU32(make([]byte, 0, len(body)+len(body)/4), n)
	var fn []byte
	for i := uint32(0); i < n; i++ {
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		src, err := r.bytes(size)
		if err != nil {
			return nil, fmt.Errorf("function %d: %w", rw.importedFuncs+i, err)
		}
		if fn, err = rw.function(fn[:0], src, rw.funcTypes[rw.importedFuncs+i]); err != nil {
			return nil, fmt.Errorf("function %d: %w", rw.importedFuncs+i, err)
		}
		out = appendU32(out, uint32(len(fn)))
		out = append(out, fn...)
	}
	if !r.done() {
		return nil, errors.New("code section has trailing bytes")
	}
	return out, nil
}

// shape is what a first pass learns of a function body.
type shape struct {
	calls       bool    // it calls a function, so it can recurse
	entryWeight int32   // instructions outside any loop
	loopWeights []int32 // instructions in each loop, nested loops excluded, in order of appearance
}

// measure walks a body once to learn its shape.
func measure(body []byte, start int) (shape, error) {
	var s shape
	r := &reader{b: body, pos: start}
	// open holds, for each open block, the index into loopWeights of the
	// loop it is, or -1 for block and if.
	open := []int{-1}
	weight := func() *int32 {
		for i := len(open) - 1; i >= 0; i-- {
			if open[i] >= 0 {
				return &s.loopWeights[open[i]]
			}
		}
		return &s.entryWeight
	}
	for len(open) > 0 {
		in, err := next(r)
		if err != nil {
			return s, err
		}
		if w := weight(); *w < 1<<30 {
			*w++
		}
		switch in.op {
		case opBlock, opIf:
			open = append(open, -1)
		case opLoop:
			open = append(open, len(s.loopWeights))
			s.loopWeights = append(s.loopWeights, 0)
		case opEnd:
			open = open[:len(open)-1]
		case opCall, opCallIndirect, opReturnCall, opReturnCallIndirect:
			s.calls = true
		}
	}
	if !r.done() {
		return s, errors.New("bytes after the end of the function")
	}
	return s, nil
}

// function instruments one body (locals, then code) into out.
//
// A function that calls is wrapped: depth check on entry, the original code
// in a block with the function's results, depth restored after it. Every
// return inside becomes a branch to that block, so the restore runs on
// every way out but a trap, and a trap discards the instance.
func (rw *rewriter) function(out, src []byte, typ uint32) ([]byte, error) {
	r := &reader{b: src}
	groups, err := r.u32()
	if err != nil {
		return nil, err
	}
	var locals uint64
	for i := uint32(0); i < groups; i++ {
		n, err := r.u32()
		if err != nil {
			return nil, err
		}
		if locals += uint64(n); locals > maxLocals {
			return nil, fmt.Errorf("more than %d locals", maxLocals)
		}
		if _, err := r.byte(); err != nil {
			return nil, err
		}
	}
	out = append(out, src[:r.pos]...)
	s, err := measure(src, r.pos)
	if err != nil {
		return nil, err
	}

	wrapped := s.calls
	if wrapped {
		out = rw.enterCall(out)
		out = append(out, opBlock)
		out = rw.blockType(out, rw.types[typ].results)
	}
	if s.calls || len(s.loopWeights) > 0 {
		out = rw.burn(out, s.entryWeight)
	}
	depth := 0 // blocks open inside the function body
	loops := 0
	for {
		in, err := next(r)
		if err != nil {
			return nil, err
		}
		raw := src[in.start:in.end]
		switch in.op {
		case opBlock, opIf:
			depth++
			out = append(out, raw...)
		case opLoop:
			depth++
			out = append(out, raw...)
			out = rw.burn(out, s.loopWeights[loops])
			loops++
		case opEnd:
			if depth == 0 {
				if wrapped {
					out = append(out, opEnd)
					out = rw.leaveCall(out)
				}
				return append(out, opEnd), nil
			}
			depth--
			out = append(out, raw...)
		case opReturn:
			if wrapped {
				out = appendU32(append(out, opBr), uint32(depth))
			} else {
				out = append(out, raw...)
			}
		case opReturnCall:
			if wrapped {
				out = rw.leaveCall(out)
			}
			out = appendU32(append(out, opReturnCall), rw.remap(in.index))
		case opReturnCallIndirect:
			if wrapped {
				out = rw.leaveCall(out)
			}
			out = append(out, raw...)
		case opCall, opRefFunc:
			out = appendU32(append(out, in.op), rw.remap(in.index))
		default:
			out = append(out, raw...)
		}
	}
}

// blockType appends the block type of a block that yields results.
func (rw *rewriter) blockType(out, results []byte) []byte {
	switch len(results) {
	case 0:
		return append(out, blockTypeEmpty)
	case 1:
		return append(out, results[0])
	}
	return appendU32(out, rw.typeIndex(funcType{results: results}))
}

// burn appends: fuel -= weight; if fuel < 0 { fuel = refuel() }.
func (rw *rewriter) burn(out []byte, weight int32) []byte {
	out = appendU32(append(out, opGlobalGet), rw.fuelGlobal)
	out = appendS32(append(out, opI32Const), weight)
	out = append(out, opI32Sub)
	out = appendU32(append(out, opGlobalSet), rw.fuelGlobal)
	out = appendU32(append(out, opGlobalGet), rw.fuelGlobal)
	out = append(out, opI32Const, 0, opI32LtS, opIf, blockTypeEmpty)
	out = appendU32(append(out, opCall), rw.refuelFunc)
	out = appendU32(append(out, opGlobalSet), rw.fuelGlobal)
	return append(out, opEnd)
}

// enterCall appends: if stack == 0 { stack_exhausted() }; stack -= 1.
func (rw *rewriter) enterCall(out []byte) []byte {
	out = appendU32(append(out, opGlobalGet), rw.stackGlob)
	out = append(out, opI32Eqz, opIf, blockTypeEmpty)
	out = appendU32(append(out, opCall), rw.stackFunc)
	out = append(out, opEnd)
	out = appendU32(append(out, opGlobalGet), rw.stackGlob)
	out = append(out, opI32Const, 1, opI32Sub)
	return appendU32(append(out, opGlobalSet), rw.stackGlob)
}

// leaveCall appends: stack += 1.
func (rw *rewriter) leaveCall(out []byte) []byte {
	out = appendU32(append(out, opGlobalGet), rw.stackGlob)
	out = append(out, opI32Const, 1, opI32Add)
	return appendU32(append(out, opGlobalSet), rw.stackGlob)
}
