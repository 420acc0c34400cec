// Package valuejson maps ABI values to and from JSON the same way on both
// sides of the ABI: core.json in the Lua guest, core.network's JSON methods
// on the host. A table is an object, its keys written as strings; a list is
// an array. It is apart from package abi so that guests that do not use
// JSON do not link encoding/json.
package valuejson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/jobbox/jobbox/abi"
)

// Encode encodes v as JSON. Object keys come out sorted.
func Encode(v any) ([]byte, error) { return json.Marshal(jsonValue(v)) }

func jsonValue(v any) any {
	switch x := v.(type) {
	case abi.Table:
		m := make(map[string]any, len(x))
		for _, f := range x {
			k, ok := f.Key.(string)
			if !ok {
				k = fmt.Sprint(f.Key)
			}
			m[k] = jsonValue(f.Value)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = jsonValue(item)
		}
		return out
	}
	return v
}

// Decode decodes one JSON value: objects become tables (keys sorted),
// arrays lists, whole numbers int64 and other numbers float64. Like every
// value that crosses the ABI, it nests at most abi.MaxDepth levels.
func Decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after the JSON value")
	}
	return fromDecoded(v, 0)
}

func fromDecoded(v any, depth int) (any, error) {
	if depth > abi.MaxDepth {
		return nil, fmt.Errorf("JSON nests deeper than %d levels", abi.MaxDepth)
	}
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, nil
		}
		f, err := x.Float64()
		if f == 0 {
			f = 0 // -0 would encode as "-0", which decodes as the integer 0
		}
		return f, err
	case map[string]any:
		t := make(abi.Table, 0, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			item, err := fromDecoded(x[k], depth+1)
			if err != nil {
				return nil, err
			}
			t = append(t, abi.Field{Key: k, Value: item})
		}
		return t, nil
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			var err error
			if out[i], err = fromDecoded(item, depth+1); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return v, nil
}
