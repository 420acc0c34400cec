package main

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// encodeJSON writes a Lua value as JSON the way lua-cjson 2.1, Coronium's
// core.json, does with its defaults, so that text a job signs, hashes or
// compares is the text Coronium would produce: numbers with 14 significant
// digits (%.14g), "/" escaped as "\/", other bytes from 0x80 written as they
// are, a table with only positive integer keys an array (holes are null;
// an excessively sparse one an error), the empty table {}, and cjson's error
// messages. Object keys come out sorted (cjson's order is the table's, which
// Lua leaves unspecified).
func encodeJSON(v lua.LValue) (string, error) {
	e := jsonEncoder{}
	if err := e.value(v, 0); err != nil {
		return "", err
	}
	return e.b.String(), nil
}

// cjson's defaults: encode_max_depth, encode_sparse_ratio and _safe.
const (
	jsonMaxDepth    = 1000
	jsonSparseRatio = 2
	jsonSparseSafe  = 10
)

type jsonEncoder struct {
	b       strings.Builder
	visited int
}

func (e *jsonEncoder) value(v lua.LValue, depth int) error {
	// A table that holds another many times over could make the text
	// exponentially long: bound the walk as toValue does.
	if e.visited++; e.visited > maxValues {
		return fmt.Errorf("Cannot serialise table: more than %d values", maxValues)
	}
	switch x := v.(type) {
	case *lua.LNilType:
		e.b.WriteString("null")
	case lua.LBool:
		if x {
			e.b.WriteString("true")
		} else {
			e.b.WriteString("false")
		}
	case lua.LNumber:
		s, err := jsonNumber(float64(x))
		if err != nil {
			return err
		}
		e.b.WriteString(s)
	case lua.LString:
		e.str(string(x))
	case *lua.LTable:
		if depth+1 > jsonMaxDepth {
			return fmt.Errorf("Cannot serialise, excessive nesting (%d)", depth+1)
		}
		return e.table(x, depth+1)
	default:
		return fmt.Errorf("Cannot serialise %s: type not supported", v.Type())
	}
	return nil
}

func jsonNumber(f float64) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", errors.New("Cannot serialise number: must not be NaN or Inf")
	}
	return fmt.Sprintf("%.14g", f), nil
}

// table writes t as an array when cjson would, else as an object.
func (e *jsonEncoder) table(t *lua.LTable, depth int) error {
	n, err := jsonArrayLength(t)
	if err != nil {
		return err
	}
	if n > 0 {
		e.b.WriteByte('[')
		for i := 1; i <= n; i++ {
			if i > 1 {
				e.b.WriteByte(',')
			}
			if err := e.value(t.RawGetInt(i), depth); err != nil {
				return err
			}
		}
		e.b.WriteByte(']')
		return nil
	}
	return e.object(t, depth)
}

// jsonArrayLength is cjson's lua_array_length: the largest key when every
// key is a positive integer, 0 when one is not (or the table is empty).
func jsonArrayLength(t *lua.LTable) (int, error) {
	maxKey, items, isArray := 0.0, 0, true
	t.ForEach(func(k, _ lua.LValue) {
		n, ok := k.(lua.LNumber)
		if !ok || float64(n) < 1 || float64(n) != math.Floor(float64(n)) {
			isArray = false
			return
		}
		maxKey = max(maxKey, float64(n))
		items++
	})
	if !isArray || items == 0 {
		return 0, nil
	}
	if maxKey > float64(items*jsonSparseRatio) && maxKey > jsonSparseSafe {
		return 0, errors.New("Cannot serialise table: excessively sparse array")
	}
	return int(maxKey), nil
}

func (e *jsonEncoder) object(t *lua.LTable, depth int) error {
	type field struct {
		key string
		val lua.LValue
	}
	var fields []field
	var err error
	t.ForEach(func(k, v lua.LValue) {
		switch key := k.(type) {
		case lua.LString:
			fields = append(fields, field{string(key), v})
		case lua.LNumber:
			s, nerr := jsonNumber(float64(key))
			if nerr != nil && err == nil {
				err = nerr
			}
			fields = append(fields, field{s, v})
		default:
			if err == nil {
				err = errors.New("Cannot serialise table: table key must be a number or string")
			}
		}
	})
	if err != nil {
		return err
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i].key < fields[j].key })
	e.b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			e.b.WriteByte(',')
		}
		e.str(f.key)
		e.b.WriteByte(':')
		if err := e.value(f.val, depth); err != nil {
			return err
		}
	}
	e.b.WriteByte('}')
	return nil
}

// str writes s quoted with cjson's escapes.
func (e *jsonEncoder) str(s string) {
	const hex = "0123456789abcdef"
	e.b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\' || c == '/':
			e.b.WriteByte('\\')
			e.b.WriteByte(c)
		case c == '\b':
			e.b.WriteString(`\b`)
		case c == '\t':
			e.b.WriteString(`\t`)
		case c == '\n':
			e.b.WriteString(`\n`)
		case c == '\f':
			e.b.WriteString(`\f`)
		case c == '\r':
			e.b.WriteString(`\r`)
		case c < 0x20 || c == 0x7f:
			e.b.WriteString(`\u00`)
			e.b.WriteByte(hex[c>>4])
			e.b.WriteByte(hex[c&15])
		default:
			e.b.WriteByte(c)
		}
	}
	e.b.WriteByte('"')
}
