package meter

import (
	"errors"
	"fmt"
	"slices"
)

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
	if err := skipLocals(r); err != nil {
		return s, err
	}
	s.code = r.pos
	w := walk{
		s: &s, body: body, imported: imported, sc: sc,
		open:       append(sc.open[:0], -1),
		inner:      append(sc.inner[:0], -1),
		region:     -1,
		prefixLoop: -1, prefix: true,
	}
	sc.callees = sc.callees[:0]
	for len(w.open) > 0 {
		in, err := next(r)
		if err != nil {
			return s, err
		}
		w.step(in)
	}
	if !r.done() {
		return s, errors.New("bytes after the end of the function")
	}
	w.foldLoopsThatRunOnce()
	s.startsLoop = w.prefixLoop >= 0 && w.targeted[w.prefixLoop]
	s.parents = w.parent
	s.callees = slices.Clone(sc.callees)
	sc.open, sc.inner = w.open, w.inner
	return s, nil
}

// skipLocals steps over a body's local declarations, refusing too many.
func skipLocals(r *reader) error {
	groups, err := r.u32()
	if err != nil {
		return err
	}
	var locals uint64
	for i := uint32(0); i < groups; i++ {
		n, err := r.u32()
		if err != nil {
			return err
		}
		if locals += uint64(n); locals > maxLocals {
			return fmt.Errorf("it declares more than %d locals; the limit is %d", maxLocals, maxLocals)
		}
		if _, err := r.byte(); err != nil {
			return err
		}
	}
	return nil
}

// walk is measure's state between instructions. Every instruction weighs
// on the innermost loop around it, or on the entry. A loop no branch goes
// back to runs once: at the end its weight moves to the region around it,
// and it gets no burn of its own.
type walk struct {
	s        *shape
	body     []byte
	imported uint32
	sc       *scratch
	parent   []int  // of each loop: the loop around it, or -1
	targeted []bool // of each loop: some branch goes back to it
	open     []int  // of each open block: the loop it is, or -1 for block and if
	inner    []int  // of each open block: the innermost loop around it and itself, or -1
	region   int    // the loop instructions weigh on now, or -1 for the entry
	// prefixLoop is the first loop met while no branch or call had come
	// yet (every path from entry got there), or -1; prefix says whether
	// that is still so.
	prefixLoop int
	prefix     bool
}

// step accounts for one instruction.
func (w *walk) step(in instr) {
	s := w.s
	if weight := w.weight(); *weight < 1<<30 {
		*weight++
	}
	if w.prefix && in.op == opLoop {
		w.prefixLoop = len(s.loopWeights) // Go's output opens every function so: block, loop
	}
	w.prefix = w.prefix && (in.op == opBlock || in.op >= 0x1a)
	switch in.op {
	case opBlock, opIf:
		w.open = append(w.open, -1)
		w.inner = append(w.inner, w.inner[len(w.inner)-1])
		s.maxNesting = max(s.maxNesting, len(w.open)-1)
		s.compileWork += int64(len(w.open) - 1)
	case opLoop:
		w.loop()
	case opEnd:
		w.open, w.inner = w.open[:len(w.open)-1], w.inner[:len(w.inner)-1]
		w.region = innermost(w.inner)
	case opBr, opBrIf, opBrTable:
		w.branch(in)
	case opCall, opReturnCall:
		s.calls = true
		if in.index >= w.imported {
			w.sc.callees = append(w.sc.callees, in.index-w.imported)
			s.sites = append(s.sites, callSite{innermost(w.inner), in.index - w.imported, false})
		}
	case opCallIndirect, opReturnCallIndirect:
		s.calls = true
		s.sites = append(s.sites, callSite{innermost(w.inner), 0, true})
	case opTableSet:
		s.stateBeyondSnapshot = "table.set"
	case opPrefixMisc:
		if name := miscStateChanges[in.index]; name != "" {
			s.stateBeyondSnapshot = name
		}
	}
}

// weight is the count the current instruction adds to.
func (w *walk) weight() *int32 {
	if w.region < 0 {
		return &w.s.entryWeight
	}
	return &w.s.loopWeights[w.region]
}

// loop opens a loop, a region of its own.
func (w *walk) loop() {
	s := w.s
	s.maxNesting = max(s.maxNesting, len(w.open))
	s.compileWork += int64(len(w.open))
	l := len(s.loopWeights)
	w.parent = append(w.parent, w.inner[len(w.inner)-1])
	w.targeted = append(w.targeted, false)
	s.loopWeights = append(s.loopWeights, 0)
	w.open = append(w.open, l)
	w.inner = append(w.inner, l)
	w.region = l
}

// branch marks the loops a br, br_if or br_table goes back to.
func (w *walk) branch(in instr) {
	s := w.s
	labels := &reader{b: w.body, pos: in.start + 1}
	count := uint32(0)
	if in.op == opBrTable {
		count, _ = labels.u32() // next has read these once already
		s.maxBrTable = max(s.maxBrTable, int(count)+1)
		s.brTargets += int(count) + 1
		s.compileWork += int64(count+1) * int64(count+1)
	}
	for i := uint32(0); i <= count; i++ {
		label, _ := labels.u32()
		if int(label) < len(w.open) {
			if l := w.open[len(w.open)-1-int(label)]; l >= 0 {
				w.targeted[l] = true
			}
		}
	}
}

// foldLoopsThatRunOnce moves the weight of every loop no branch goes back
// to into the region around it. Nested loops come after the loops around
// them: inner ones fold first.
func (w *walk) foldLoopsThatRunOnce() {
	s := w.s
	for l := len(s.loopWeights) - 1; l >= 0; l-- {
		if w.targeted[l] {
			continue
		}
		into := &s.entryWeight
		if p := w.parent[l]; p >= 0 {
			into = &s.loopWeights[p]
		}
		*into = min(*into+s.loopWeights[l], 1<<30)
		s.loopWeights[l] = -1
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
