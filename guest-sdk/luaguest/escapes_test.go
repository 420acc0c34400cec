package main

import (
	"strings"
	"testing"
)

func TestLuaJITEscapes(t *testing.T) {
	t.Parallel()
	luaCases(t, map[string]string{
		"hex":         `eq("\x41\x62", "Ab"); eq('\x1b[0m', string.char(27) .. "[0m"); eq("\xff", string.char(255))`,
		"unicode":     `eq("\u{48}\u{e9}", "H" .. string.char(195, 169)); eq("\u{1F600}", string.char(240, 159, 152, 128))`,
		"z":           "eq(\"a\\z\n     b\", \"ab\")",
		"untouched":   `eq("\\x41", "\\" .. "x41"); eq([[\x41]], "\\x41"); eq(#"\65\066", 2) -- "\x41" in a comment`,
		"load string": `eq(load("return '\\x41'")(), "A")`,
	})
	if err := runLua(t, "local s = \"a\\z\n\n  b\"\nerror('here')"); err == nil || !strings.Contains(err.Error(), ":4:") {
		t.Fatalf("a \\z that skips line breaks moved the lines: %v", err)
	}
}

func TestLuaJITEscapesLeavesOtherCodeAlone(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		"local job = core.job()\nreturn job\n",
		`local s = "a\\x41" .. 'b\'' --[==[ "\x41" ]==] .. [[ \z ]]`,
		`x = "\x4"`, `x = "\u{}"`, `x = "\u{110000}"`, "-- \\x41 \"\\x41\"\n",
	} {
		if got := luaJITEscapes(src); got != src {
			t.Errorf("%q rewritten as %q", src, got)
		}
	}
}

// FuzzLuaJITEscapes: the rewrite never panics, keeps the line count, and
// is the identity on text without a backslash.
func FuzzLuaJITEscapes(f *testing.F) {
	for _, s := range []string{`"\x41"`, "'\\z\n x'", `"\u{48}" --[[ "\x41" ]]`, `[==[ \x41 ]==]`, `"\\x41"`, `"\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := luaJITEscapes(src)
		if strings.Count(out, "\n") != strings.Count(src, "\n") {
			t.Fatalf("%q rewritten as %q: line count changed", src, out)
		}
		if !strings.Contains(src, `\`) && out != src {
			t.Fatalf("%q rewritten as %q", src, out)
		}
	})
}
