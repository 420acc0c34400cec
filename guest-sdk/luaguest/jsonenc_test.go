package main

import (
	"encoding/json"
	"math"
	"strconv"
	"testing"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// TestEncodeJSONAsCjson: the text lua-cjson 2.1 writes for each value.
func TestEncodeJSONAsCjson(t *testing.T) {
	t.Parallel()
	luaCases(t, map[string]string{
		"numbers":    `eq(core.json.encode({1/3, 2^53, 1e20, -0.5, 100, 0.1}), "[0.33333333333333,9.007199254741e+15,1e+20,-0.5,100,0.1]")`,
		"escapes":    `eq(core.json.encode("a/b\"c\\d\n\t\1\127<&>é"), '"a\\/b\\"c\\\\d\\n\\t\\u0001\\u007f<&>é"')`,
		"holes":      `eq(core.json.encode({1, nil, 3}), "[1,null,3]"); eq(core.json.encode({[2] = "x"}), '[null,"x"]')`,
		"mixed keys": `eq(core.json.encode({1, 2, x = 3}), '{"1":1,"2":2,"x":3}'); eq(core.json.encode({[1.5] = true}), '{"1.5":true}')`,
		"empty":      `eq(core.json.encode({}), "{}"); eq(core.json.encode({{}, {a = {}}}), '[{},{"a":{}}]')`,
		"scalars":    `eq(core.json.encode(nil), "null"); eq(core.json.encode(false), "false"); eq(core.json.encode("s"), '"s"')`,
	})
	luaErrors(t, map[string]string{
		`core.json.encode({[20] = 1})`:                                       "Cannot serialise table: excessively sparse array",
		`core.json.encode({[true] = 1})`:                                     "Cannot serialise table: table key must be a number or string",
		`core.json.encode({0/0})`:                                            "Cannot serialise number: must not be NaN or Inf",
		`local t = {}; t[1] = t; core.json.encode(t)`:                        "Cannot serialise, excessive nesting (1001)",
		`core.json.encode(core.job().OK)`:                                    "Cannot serialise userdata: type not supported",
		`local t = {}; for i = 1, 25 do t = {t, t} end; core.json.encode(t)`: "more than 1048576 values",
	})
}

// FuzzEncodeJSON: every string and number encodes to JSON that reads back
// as the same string, or a number equal to 14 significant digits.
func FuzzEncodeJSON(f *testing.F) {
	f.Add("a/b\"\\\x00\x7f\xff", 1.0/3)
	f.Add("", 1e300)
	f.Fuzz(func(t *testing.T, s string, n float64) {
		out, err := encodeJSON(lua.LString(s))
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		var back string
		if err := json.Unmarshal([]byte(out), &back); err != nil {
			t.Fatalf("%q encodes as %s, not JSON: %v", s, out, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("%q encodes as %s, which reads back as %q", s, out, back)
		}
		num, err := encodeJSON(lua.LNumber(n))
		if math.IsNaN(n) || math.IsInf(n, 0) {
			if err == nil {
				t.Fatalf("%v encoded as %s", n, num)
			}
			return
		}
		got, err := strconv.ParseFloat(num, 64)
		if err != nil || !json.Valid([]byte(num)) {
			t.Fatalf("%v encodes as %q: %v", n, num, err)
		}
		if want, _ := strconv.ParseFloat(strconv.FormatFloat(n, 'g', 14, 64), 64); got != want {
			t.Fatalf("%v encodes as %s", n, num)
		}
	})
}
