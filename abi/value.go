package abi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
)

// Value tags. An encoded value is one tag byte followed by its body; see SPEC.md.
const (
	TagNil    byte = 0x00
	TagFalse  byte = 0x01
	TagTrue   byte = 0x02
	TagInt    byte = 0x03 // zig-zag uvarint
	TagFloat  byte = 0x04 // 8 bytes, IEEE 754 binary64, little-endian
	TagString byte = 0x05 // uvarint length, then the bytes
	TagList   byte = 0x06 // uvarint count, then count values
	TagTable  byte = 0x07 // uvarint count, then count key/value pairs
)

// MaxDepth bounds how deeply lists and tables may nest in one value, so a
// hostile payload cannot exhaust the decoder's stack.
const MaxDepth = 64

// Field is one key/value pair of a Table.
type Field struct {
	Key   any
	Value any
}

// Table is an ordered list of key/value pairs: the decoded form of a Lua
// table that is not a plain sequence, or of a record.
type Table []Field

// Get returns the value stored under key, or nil.
func (t Table) Get(key string) any {
	for _, f := range t {
		if k, ok := f.Key.(string); ok && k == key {
			return f.Value
		}
	}
	return nil
}

// String returns the string stored under key, or "".
func (t Table) String(key string) string {
	s, _ := t.Get(key).(string)
	return s
}

// ErrDecode is wrapped by every decoding error.
var ErrDecode = errors.New("invalid encoded value")

// Encode encodes v. It accepts nil, bool, every Go integer type, float32,
// float64, string, []byte, []any, []string, Table and map[string]any (whose
// keys are encoded in sorted order, so the encoding is deterministic).
func Encode(v any) ([]byte, error) { return AppendValue(nil, v) }

// AppendValue appends the encoding of v to dst.
func AppendValue(dst []byte, v any) ([]byte, error) {
	return appendValue(dst, v, 0)
}

func appendValue(dst []byte, v any, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return dst, fmt.Errorf("value nests deeper than %d levels", MaxDepth)
	}
	switch x := v.(type) {
	case []any:
		dst = append(dst, TagList)
		dst = binary.AppendUvarint(dst, uint64(len(x)))
		return appendValues(dst, depth+1, x...)
	case Table:
		dst = append(dst, TagTable)
		dst = binary.AppendUvarint(dst, uint64(len(x)))
		var err error
		for _, f := range x {
			if dst, err = appendValues(dst, depth+1, f.Key, f.Value); err != nil {
				return dst, err
			}
		}
		return dst, nil
	case map[string]any:
		dst = append(dst, TagTable)
		dst = binary.AppendUvarint(dst, uint64(len(x)))
		var err error
		for _, k := range slices.Sorted(maps.Keys(x)) {
			dst = appendString(dst, k)
			if dst, err = appendValue(dst, x[k], depth+1); err != nil {
				return dst, err
			}
		}
		return dst, nil
	}
	if out, ok := appendScalar(dst, v); ok {
		return out, nil
	}
	return dst, fmt.Errorf("cannot encode a value of Go type %T", v)
}

// appendValues appends each of vs at depth.
func appendValues(dst []byte, depth int, vs ...any) ([]byte, error) {
	var err error
	for _, v := range vs {
		if dst, err = appendValue(dst, v, depth); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// appendScalar appends v if it is of a type that holds no other values
// (a []string holds only strings), and reports whether it was.
func appendScalar(dst []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return append(dst, TagNil), true
	case bool:
		if x {
			return append(dst, TagTrue), true
		}
		return append(dst, TagFalse), true
	case int:
		return appendInt(dst, int64(x)), true
	case int8:
		return appendInt(dst, int64(x)), true
	case int16:
		return appendInt(dst, int64(x)), true
	case int32:
		return appendInt(dst, int64(x)), true
	case int64:
		return appendInt(dst, x), true
	case uint:
		return appendUint(dst, uint64(x)), true
	case uint8:
		return appendInt(dst, int64(x)), true
	case uint16:
		return appendInt(dst, int64(x)), true
	case uint32:
		return appendInt(dst, int64(x)), true
	case uint64:
		return appendUint(dst, x), true
	case float32:
		return appendFloat(dst, float64(x)), true
	case float64:
		return appendFloat(dst, x), true
	case string:
		return appendString(dst, x), true
	case []byte:
		dst = append(dst, TagString)
		dst = binary.AppendUvarint(dst, uint64(len(x)))
		return append(dst, x...), true
	case []string:
		dst = append(dst, TagList)
		dst = binary.AppendUvarint(dst, uint64(len(x)))
		for _, s := range x {
			dst = appendString(dst, s)
		}
		return dst, true
	}
	return dst, false
}

func appendInt(dst []byte, i int64) []byte {
	dst = append(dst, TagInt)
	return binary.AppendVarint(dst, i)
}

func appendUint(dst []byte, u uint64) []byte {
	if u > math.MaxInt64 {
		return appendFloat(dst, float64(u))
	}
	return appendInt(dst, int64(u))
}

func appendFloat(dst []byte, f float64) []byte {
	dst = append(dst, TagFloat)
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
}

func appendString(dst []byte, s string) []byte {
	dst = append(dst, TagString)
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// Decode decodes exactly one value that fills b. Lists decode as []any,
// tables as Table, integers as int64, floats as float64, strings as string.
func Decode(b []byte) (any, error) {
	d := decoder{buf: b}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if d.pos != len(d.buf) {
		return nil, fmt.Errorf("%w: %d trailing bytes after the value", ErrDecode, len(d.buf)-d.pos)
	}
	return v, nil
}

// DecodeList decodes b, which must hold a list, as a Go slice.
func DecodeList(b []byte) ([]any, error) {
	v, err := Decode(b)
	if err != nil {
		return nil, err
	}
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: expected a list, got %s", ErrDecode, TypeName(v))
	}
	return l, nil
}

type decoder struct {
	buf []byte
	pos int
}

func (d *decoder) fail(format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: %s", ErrDecode, d.pos, fmt.Sprintf(format, args...))
}

func (d *decoder) uvarint() (uint64, error) {
	u, n := binary.Uvarint(d.buf[d.pos:])
	if n <= 0 {
		return 0, d.fail("truncated or overlong varint")
	}
	d.pos += n
	return u, nil
}

// count reads an element count and rejects one that the remaining bytes
// cannot possibly hold (every element takes at least minBytes), so a hostile
// count never makes the decoder allocate more than the input justifies.
func (d *decoder) count(minBytes int) (int, error) {
	n, err := d.uvarint()
	if err != nil {
		return 0, err
	}
	if n > uint64(len(d.buf)-d.pos)/uint64(minBytes) {
		return 0, d.fail("count %d exceeds the remaining input", n)
	}
	return int(n), nil
}

func (d *decoder) value(depth int) (any, error) {
	if depth > MaxDepth {
		return nil, d.fail("value nests deeper than %d levels", MaxDepth)
	}
	if d.pos >= len(d.buf) {
		return nil, d.fail("unexpected end of input")
	}
	tag := d.buf[d.pos]
	d.pos++
	switch tag {
	case TagNil:
		return nil, nil
	case TagFalse:
		return false, nil
	case TagTrue:
		return true, nil
	case TagInt:
		i, n := binary.Varint(d.buf[d.pos:])
		if n <= 0 {
			return nil, d.fail("truncated or overlong integer")
		}
		d.pos += n
		return i, nil
	case TagFloat:
		if len(d.buf)-d.pos < 8 {
			return nil, d.fail("truncated float")
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(d.buf[d.pos:]))
		d.pos += 8
		return f, nil
	case TagString:
		n, err := d.count(1)
		if err != nil {
			return nil, err
		}
		s := string(d.buf[d.pos : d.pos+n])
		d.pos += n
		return s, nil
	case TagList:
		n, err := d.count(1)
		if err != nil {
			return nil, err
		}
		l := make([]any, n)
		for i := range l {
			if l[i], err = d.value(depth + 1); err != nil {
				return nil, err
			}
		}
		return l, nil
	case TagTable:
		n, err := d.count(2)
		if err != nil {
			return nil, err
		}
		t := make(Table, n)
		for i := range t {
			if t[i].Key, err = d.value(depth + 1); err != nil {
				return nil, err
			}
			if t[i].Value, err = d.value(depth + 1); err != nil {
				return nil, err
			}
		}
		return t, nil
	}
	d.pos--
	return nil, d.fail("unknown tag 0x%02x", tag)
}

// TypeName names the kind of a decoded value the way error messages do.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "nil"
	case bool:
		return "boolean"
	case int64, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "list"
	case Table:
		return "table"
	}
	return fmt.Sprintf("%T", v)
}
