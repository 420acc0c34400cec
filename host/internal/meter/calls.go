package meter

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
