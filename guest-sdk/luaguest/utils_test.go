package main

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// runLua runs src in a fresh job state, compiled as a job file is; src
// raises on a wrong result.
func runLua(t *testing.T, src string) error {
	t.Helper()
	L := newState()
	defer L.Close()
	proto, err := compile(src, "<string>")
	if err != nil {
		return err
	}
	L.Push(L.NewFunctionFromProto(proto))
	return L.PCall(0, 0, nil)
}

// luaCases runs each Lua snippet as its own subtest and wants no error.
func luaCases(t *testing.T, cases map[string]string) {
	t.Helper()
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			prelude := "local function eq(got, want) if got ~= want then error(string.format('got %q, want %q', tostring(got), tostring(want)), 2) end end\n"
			if err := runLua(t, prelude+src); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// luaErrors runs each snippet and wants an error containing the text.
func luaErrors(t *testing.T, cases map[string]string) {
	t.Helper()
	for src, want := range cases {
		t.Run(src, func(t *testing.T) {
			t.Parallel()
			err := runLua(t, src)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error %v, want one containing %q", err, want)
			}
		})
	}
}

func TestUtils(t *testing.T) {
	t.Parallel()
	luaCases(t, map[string]string{
		"sf":             `eq(core.sf("Hello, %s!", "Dave"), "Hello, Dave!")`,
		"sf mixed":       `eq(core.sf("Ordered %d %s with %s.", 2, 'burgers', 'cheese'), "Ordered 2 burgers with cheese.")`,
		"sf is format":   `eq(core.sf, string.format); eq(("%05.1f|%-4d|%x|%X|%o"):format(3.14159, 7, 255, -1, 8), "003.1|7   |ff|FFFFFFFFFFFFFFFF|10")`,
		"sf g and e":     `eq(core.sf("%g %g %g %e %.3g", 0.1, 1234567, 1e20, 12.5, 2/3), "0.1 1.23457e+06 1e+20 1.250000e+01 0.667")`,
		"sf inf":         `eq(core.sf("%f %5.1f %d", 1/0, -1/0, 2.9), "inf  -inf 2")`,
		"sf s any":       `eq(core.sf("%s %s %s %5s|%-3s|", 1, true, nil, "ab", "x"), "1 true nil    ab|x  |")`,
		"sf q c %":       `eq(core.sf("%q %c%c 100%%", 'a"b\n', 72, 105), '"a\\"b\\\n" Hi 100%')`,
		"sf bytes":       `eq(core.sf("%4s|%-4s|%.1s|%.0s|", "é", "é", "ab", "x"), "  é|é  |a||")`,
		"sf tostring":    `eq(core.sf("%s", setmetatable({}, {__tostring = function() return "T" end})), "T")`,
		"trim":           `eq(core.trim("  I could use a trim  "), "I could use a trim"); eq(core.trim("\t\n x y \r"), "x y"); eq(core.trim(""), "")`,
		"split":          `local t = core.split("Red,Green,Blue"); eq(#t, 3); eq(t[1], "Red"); eq(t[2], "Green"); eq(t[3], "Blue")`,
		"split delim":    `local t = core.split("User:2001:Storage", ":"); eq(#t, 3); eq(t[1], "User"); eq(t[2], "2001"); eq(t[3], "Storage")`,
		"split plain":    `local t = core.split("a.b..c", "."); eq(#t, 4); eq(t[3], ""); eq(#core.split(""), 0); eq(core.split("x")[1], "x")`,
		"split multi":    `local t = core.split("a, b, c", ", "); eq(#t, 3); eq(t[2], "b")`,
		"json":           `eq(core.json.encode({a = {1, 2, "x"}, b = true}), '{"a":[1,2,"x"],"b":true}'); local t = core.json.decode('{"n": 2.5, "l": [1, null, 3]}'); eq(t.n, 2.5); eq(t.l[3], 3); eq(t.l[2], nil)`,
		"json scalars":   `eq(core.json.encode("s"), '"s"'); eq(core.json.encode(3), "3"); eq(core.json.encode({}), "{}"); eq(core.json.decode("12"), 12)`,
		"json_safe ok":   `local s, err = core.json_safe.encode({x = 1}); eq(s, '{"x":1}'); eq(err, nil); local t, err2 = core.json_safe.decode('[1]'); eq(t[1], 1); eq(err2, nil)`,
		"json_safe bad":  `local t, err = core.json_safe.decode("{"); eq(t, nil); assert(err:find("not valid JSON"), err); local s, err2 = core.json_safe.encode({f = print}); eq(s, nil); assert(err2:find("function"), err2)`,
		"json raises":    `local ok, err = pcall(core.json.decode, "{x"); eq(ok, false); assert(tostring(err):find("not valid JSON"), err)`,
		"md5 uuid":       `eq(core.md5(""), "d41d8cd98f00b204e9800998ecf8427e"); assert(core.uuid():match("^%x%x%x%x%x%x%x%x%-%x%x%x%x%-4%x%x%x%-[89ab]%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$"))`,
		"unpack":         `local a, b, c = unpack({1, 2, 3}); eq(a + b + c, 6)`,
		"own core field": `core.mine = 1; eq(core.mine, 1); eq(core.nosuch, nil)`,
	})
}

func TestUtilsErrors(t *testing.T) {
	t.Parallel()
	luaErrors(t, map[string]string{
		`core.sf("%d", "Dave")`:         "number expected, got string",
		`core.sf("%s %s", "a")`:         "bad argument #3",
		`core.sf("%y", 1)`:              "invalid option '%y'",
		`core.sf("%123d", 1)`:           "width or precision too long",
		`core.split("a", "")`:           "the delimiter must not be empty",
		`core.json.decode("nope")`:      "core.json.decode: the text is not valid JSON",
		`core.json.encode({f = print})`: "Cannot serialise function: type not supported",
		`core.users.get("x")`:           "core.users is not available in jobbox: ",
		`local db = core.mongo("app")`:  "core.mongo is not available in jobbox: ",
		`core.files.list("imgs")`:       "core.files is not available in jobbox",
		`core.template.render("a", {})`: "core.template is not available in jobbox",
		`core.callApi("d", "t", {})`:    "core.callApi is not available in jobbox",
		`core.mysql.parseTimestmp("x")`: "core.mysql.parseTimestmp is not available in jobbox",
		`core.network.fetch("x")`:       "core.network.fetch is not available in jobbox",
	})
}

// FuzzFormat: no template or argument makes string.format panic; a bad
// one raises a Lua error.
func FuzzFormat(f *testing.F) {
	for _, s := range []string{"%d", "%5.2f", "%-+ #0x", "%q", "%s%s%s", "%", "%99.99g", "%c"} {
		f.Add(s, 3.5, "x")
	}
	f.Fuzz(func(t *testing.T, tmpl string, n float64, s string) {
		L := lua.NewState(lua.Options{SkipOpenLibs: true})
		defer L.Close()
		L.Push(L.NewFunction(strFormat))
		L.Push(lua.LString(tmpl))
		L.Push(lua.LNumber(n))
		L.Push(lua.LString(s))
		_ = L.PCall(3, 1, nil)
	})
}
