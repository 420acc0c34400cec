package meter

// function instruments one body (locals, then code) into out.
//
// Fuel burns at the entry of a function that calls (unless a loop header
// comes first) and at every loop header. The stack counter is kept around
// every call that can nest without bound: an indirect call, and a direct
// call that closes a cycle of direct calls (a back edge of the call graph).
// Any chain of other calls is acyclic, so at most as long as the module
// has functions.
func (rw *rewriter) function(out, src []byte, self uint32, s shape) ([]byte, error) {
	out = append(out, src[:s.code]...)
	if s.burnsAtEntry() {
		out = rw.burn(out, s.entryWeight)
	}
	r := &reader{b: src, pos: s.code}
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
			if w := s.loopWeights[loops]; w >= 0 {
				out = rw.burn(out, w)
			}
			loops++
		case opEnd:
			out = append(out, raw...)
			if depth == 0 {
				return out, nil
			}
			depth--
		case opCall:
			if rw.recursive(self, in.index) {
				out = rw.enterCall(out)
				out = appendU32(append(out, opCall), rw.remap(in.index))
				out = rw.leaveCall(out)
			} else {
				out = appendU32(append(out, opCall), rw.remap(in.index))
			}
		case opCallIndirect:
			out = rw.enterCall(out)
			out = append(out, raw...)
			out = rw.leaveCall(out)
		case opPrefixMisc, opMemoryGrow:
			f, ok, err := rw.bulkCall(raw, in.op)
			if err != nil {
				return nil, err
			}
			if ok {
				out = appendU32(append(out, opCall), f)
			} else {
				out = append(out, raw...)
			}
		case opReturnCall, opRefFunc:
			// A tail call replaces the caller's frame: the stack does not grow.
			out = appendU32(append(out, in.op), rw.remap(in.index))
		default:
			out = append(out, raw...)
		}
	}
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
