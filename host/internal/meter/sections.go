package meter

import (
	"fmt"
	"strconv"
	"strings"
)

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
