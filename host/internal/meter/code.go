package meter

import (
	"errors"
	"fmt"
	"slices"
)

// code instruments every function body of the code section. It also
// returns why a snapshot cannot hold an instance's state, if the code
// changes a table or a data segment.
func (rw *rewriter) code(body []byte) (out []byte, noSnapshot string, err error) {
	r := &reader{b: body}
	n, err := r.u32()
	if err != nil {
		return nil, "", err
	}
	if uint64(n)+uint64(rw.importedFuncs) != uint64(len(rw.funcTypes)) {
		return nil, "", fmt.Errorf("code section has %d bodies for %d functions", n, len(rw.funcTypes)-int(rw.importedFuncs))
	}
	// First pass: the shape of every body, for the call graph.
	bodies := make([][]byte, n)
	shapes := make([]shape, n)
	var sc scratch
	targets, work := 0, int64(0)
	for i := range bodies {
		size, err := r.u32()
		if err != nil {
			return nil, "", err
		}
		f := rw.importedFuncs + uint32(i)
		if bodies[i], err = r.bytes(size); err != nil {
			return nil, "", fmt.Errorf("function %d: %w", f, err)
		}
		if int(size) > maxFunctionBytes {
			return nil, "", fmt.Errorf("function %d: its body takes %d bytes; the limit is %d", f, size, maxFunctionBytes)
		}
		if shapes[i], err = measure(bodies[i], rw.importedFuncs, &sc); err != nil {
			return nil, "", fmt.Errorf("function %d: %w", f, err)
		}
		if err := checkShape(&shapes[i], int(size)); err != nil {
			return nil, "", fmt.Errorf("function %d: %w", f, err)
		}
		if targets += shapes[i].brTargets; targets > maxBrTableTargets {
			return nil, "", fmt.Errorf("the module's br_tables have more than %d targets in all; the limit is %d", maxBrTableTargets, maxBrTableTargets)
		}
		if work += shapes[i].compileWork; work > maxCompileWork {
			return nil, "", fmt.Errorf("the module's blocks and br_tables would take too long to compile (work over %d; the limit is %d)", maxCompileWork, maxCompileWork)
		}
		if op := shapes[i].stateBeyondSnapshot; op != "" && noSnapshot == "" {
			noSnapshot = fmt.Sprintf("function %d uses %s", f, op)
		}
	}
	if !r.done() {
		return nil, "", errors.New("code section has trailing bytes")
	}
	rw.backCalls = backCalls(shapes)
	chargeSmallLeaves(shapes)

	out = appendU32(make([]byte, 0, len(body)+len(body)/4), n)
	var fn []byte
	for i, src := range bodies {
		if fn, err = rw.function(fn[:0], src, uint32(i), shapes[i]); err != nil {
			return nil, "", fmt.Errorf("function %d: %w", rw.importedFuncs+uint32(i), err)
		}
		out = appendU32(out, uint32(len(fn)))
		out = append(out, fn...)
	}
	for _, h := range rw.helpers {
		out = appendU32(out, uint32(len(h.body)))
		out = append(out, h.body...)
	}
	if len(rw.helpers) > 0 { // the count, re-encoded
		r := &reader{b: out}
		_, _ = r.u32()
		out = append(appendU32(nil, n+uint32(len(rw.helpers))), out[r.pos:]...)
	}
	return out, noSnapshot, nil
}

// shape is what a first pass learns of a function body.
type shape struct {
	code        int      // where the instructions start, after the locals
	calls       bool     // it calls, so a chain of calls can pass through it
	callees     []uint32 // the defined functions it calls directly, by index among them
	startsLoop  bool     // every path from its entry meets, before any branch or call, a loop header that burns fuel anyway
	entryWeight int32    // instructions outside any loop
	loopWeights []int32  // instructions in each loop, nested loops excluded, in order of appearance; -1 if no branch goes back to it
	// stateBeyondSnapshot names an instruction that changes state a
	// snapshot of memory and globals does not hold (a table, a data
	// segment), or is empty.
	stateBeyondSnapshot string
	maxNesting          int // the most blocks open at once
	maxBrTable          int // the most targets of one br_table
	brTargets           int // the targets of all its br_tables
	// sites are its calls to defined functions and its indirect calls, by
	// region; parents has the loop around each loop, or -1.
	sites   []callSite
	parents []int
	// compileWork estimates what compiling it costs wazero beyond its
	// size: the depth at which each block opens, plus the square of
	// each br_table's targets (see limits.go).
	compileWork int64
}

// scratch is memory measure reuses from one body to the next.
type scratch struct {
	open    []int
	inner   []int
	callees []uint32
}

// measure walks a body once to learn its shape.
func measure(body []byte, imported uint32, sc *scratch) (shape, error) {
	var s shape
	r := &reader{b: body}
	groups, err := r.u32()
	if err != nil {
		return s, err
	}
	var locals uint64
	for i := uint32(0); i < groups; i++ {
		n, err := r.u32()
		if err != nil {
			return s, err
		}
		if locals += uint64(n); locals > maxLocals {
			return s, fmt.Errorf("it declares more than %d locals; the limit is %d", maxLocals, maxLocals)
		}
		if _, err := r.byte(); err != nil {
			return s, err
		}
	}
	s.code = r.pos

	// Every instruction weighs on the innermost loop around it, or on the
	// entry. A loop no branch goes back to runs once: at the end its weight
	// moves to the region around it, and it gets no burn of its own.
	var parent []int // of each loop: the loop around it, or -1
	var targeted []bool
	open := append(sc.open[:0], -1)   // of each open block: the loop it is, or -1 for block and if
	inner := append(sc.inner[:0], -1) // of each open block: the innermost loop around it and itself, or -1
	sc.callees = sc.callees[:0]
	weight := &s.entryWeight
	prefixLoop, prefix := -1, true // no branch or call yet: every path from entry got here
	for len(open) > 0 {
		in, err := next(r)
		if err != nil {
			return s, err
		}
		if *weight < 1<<30 {
			*weight++
		}
		if prefix && in.op == opLoop {
			prefixLoop = len(s.loopWeights) // Go's output opens every function so: block, loop
		}
		prefix = prefix && (in.op == opBlock || in.op >= 0x1a)
		switch in.op {
		case opBlock, opIf:
			open = append(open, -1)
			inner = append(inner, inner[len(inner)-1])
			s.maxNesting = max(s.maxNesting, len(open)-1)
			s.compileWork += int64(len(open) - 1)
		case opLoop:
			s.maxNesting = max(s.maxNesting, len(open))
			s.compileWork += int64(len(open))
			l := len(s.loopWeights)
			parent = append(parent, inner[len(inner)-1])
			targeted = append(targeted, false)
			s.loopWeights = append(s.loopWeights, 0)
			open = append(open, l)
			inner = append(inner, l)
			weight = &s.loopWeights[l]
		case opEnd:
			open, inner = open[:len(open)-1], inner[:len(inner)-1]
			weight = &s.entryWeight
			if l := innermost(inner); l >= 0 {
				weight = &s.loopWeights[l]
			}
		case opBr, opBrIf, opBrTable:
			labels := &reader{b: body, pos: in.start + 1}
			count := uint32(0)
			if in.op == opBrTable {
				count, _ = labels.u32() // next has read these once already
				s.maxBrTable = max(s.maxBrTable, int(count)+1)
				s.brTargets += int(count) + 1
				s.compileWork += int64(count+1) * int64(count+1)
			}
			for i := uint32(0); i <= count; i++ {
				label, _ := labels.u32()
				if int(label) < len(open) {
					if l := open[len(open)-1-int(label)]; l >= 0 {
						targeted[l] = true
					}
				}
			}
		case opCall, opReturnCall:
			s.calls = true
			if in.index >= imported {
				sc.callees = append(sc.callees, in.index-imported)
				s.sites = append(s.sites, callSite{innermost(inner), in.index - imported, false})
			}
		case opCallIndirect, opReturnCallIndirect:
			s.calls = true
			s.sites = append(s.sites, callSite{innermost(inner), 0, true})
		case opTableSet:
			s.stateBeyondSnapshot = "table.set"
		case opPrefixMisc:
			if name := miscStateChanges[in.index]; name != "" {
				s.stateBeyondSnapshot = name
			}
		}
	}
	if !r.done() {
		return s, errors.New("bytes after the end of the function")
	}
	// Nested loops come after the loops around them: fold inner ones first.
	for l := len(s.loopWeights) - 1; l >= 0; l-- {
		if targeted[l] {
			continue
		}
		into := &s.entryWeight
		if p := parent[l]; p >= 0 {
			into = &s.loopWeights[p]
		}
		*into = min(*into+s.loopWeights[l], 1<<30)
		s.loopWeights[l] = -1
	}
	s.startsLoop = prefixLoop >= 0 && targeted[prefixLoop]
	s.parents = parent
	s.callees = slices.Clone(sc.callees)
	sc.open, sc.inner = open, inner
	return s, nil
}

// callSite is a call in a function: the loop it is in (-1: none), and
// the defined function it calls, unless it is indirect.
type callSite struct {
	region   int
	callee   uint32
	indirect bool
}

// leafBurnWeight is the most instructions a function that calls nothing
// runs outside its loops without burning fuel itself: its callers pay for
// it instead (chargeSmallLeaves). Burning in every small leaf would cost
// Go's many small helpers dearly; not burning in a large one would let a
// loop that calls it do a function's worth of work per unit of fuel.
const leafBurnWeight = 256

// burnsAtEntry reports whether a function burns its entry weight on entry:
// it calls (unless a loop header that burns anyway comes first), or it is a
// leaf too large for its callers to pay for.
func (s *shape) burnsAtEntry() bool {
	if s.calls {
		return !s.startsLoop
	}
	return s.entryWeight > leafBurnWeight
}

// chargeSmallLeaves adds, to the region of every call, what the callee runs
// without burning: a small leaf's entry weight for a direct call, and the
// largest such weight for an indirect one. Leaves make no calls, so what
// is added never changes what is added elsewhere.
func chargeSmallLeaves(shapes []shape) {
	var largest int32
	for i := range shapes {
		if s := &shapes[i]; !s.calls && !s.burnsAtEntry() {
			largest = max(largest, s.entryWeight)
		}
	}
	for i := range shapes {
		s := &shapes[i]
		for _, c := range s.sites {
			add := largest
			if !c.indirect {
				if int(c.callee) >= len(shapes) || shapes[c.callee].calls || shapes[c.callee].burnsAtEntry() {
					continue // it pays for itself (or does not exist: wazero will refuse the module)
				}
				add = shapes[c.callee].entryWeight
			}
			weight := &s.entryWeight
			r := c.region
			for r >= 0 && s.loopWeights[r] < 0 { // a loop that runs once: folded into the one around it
				r = s.parents[r]
			}
			if r >= 0 {
				weight = &s.loopWeights[r]
			}
			*weight = min(*weight+add, 1<<30)
		}
		s.sites, s.parents = nil, nil
	}
}

// miscStateChanges are the 0xFC instructions that change tables or data
// segments, by sub-opcode.
var miscStateChanges = map[uint32]string{
	8: "memory.init", 9: "data.drop", 12: "table.init", 13: "elem.drop",
	14: "table.copy", 15: "table.grow", 17: "table.fill",
}

// innermost is the innermost loop among the open blocks, or -1.
func innermost(inner []int) int {
	if len(inner) == 0 {
		return -1
	}
	return inner[len(inner)-1]
}

// backCalls returns the back edges of a depth-first search of the direct
// call graph, as caller<<32 | callee among defined functions. Every cycle
// of direct calls contains one, and the graph without them is acyclic. The
// search is iterative, so a deep graph cannot overflow the host's stack.
func backCalls(shapes []shape) map[uint64]bool {
	const (
		white = iota // not reached
		grey         // on the current path
		black        // done
	)
	colour := make([]byte, len(shapes))
	back := map[uint64]bool{}
	type frame struct{ v, edge int }
	for root := range shapes {
		if colour[root] != white {
			continue
		}
		colour[root] = grey
		path := []frame{{root, 0}}
		for len(path) > 0 {
			f := &path[len(path)-1]
			if f.edge == len(shapes[f.v].callees) {
				colour[f.v] = black
				path = path[:len(path)-1]
				continue
			}
			w := int(shapes[f.v].callees[f.edge])
			f.edge++
			switch {
			case w >= len(shapes):
			case colour[w] == grey:
				back[uint64(f.v)<<32|uint64(w)] = true
			case colour[w] == white:
				colour[w] = grey
				path = append(path, frame{w, 0})
			}
		}
	}
	return back
}

// recursive reports whether a direct call from defined function caller to
// function callee (an index in the whole function space) closes a cycle of
// direct calls.
func (rw *rewriter) recursive(caller, callee uint32) bool {
	if callee < rw.importedFuncs {
		return false
	}
	return rw.backCalls[uint64(caller)<<32|uint64(callee-rw.importedFuncs)]
}

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
