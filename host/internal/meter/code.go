package meter

import (
	"errors"
	"fmt"
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
