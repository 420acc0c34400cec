package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// strFormat is string.format as LuaJIT 2.1 has it, and core.sf, which the
// Coronium docs define as the same function. gopher-lua's own hands the
// template to Go's fmt.Sprintf, so "%d" of a string prints the string, a
// missing argument prints "%!s(MISSING)" and %g, %x and inf differ from C:
// a job would get a wrong string instead of the error Coronium raises.
func strFormat(L *lua.LState) int {
	tmpl := L.CheckString(1)
	var out strings.Builder
	arg := 1
	for i := 0; i < len(tmpl); i++ {
		c := tmpl[i]
		if c != '%' {
			out.WriteByte(c)
			continue
		}
		if i++; i < len(tmpl) && tmpl[i] == '%' {
			out.WriteByte('%')
			continue
		}
		spec, verb, next := formatSpec(L, tmpl, i)
		i = next
		arg++
		formatOne(L, &out, spec, verb, arg)
	}
	L.Push(lua.LString(out.String()))
	return 1
}

// formatSpec reads the flags, width and precision that start at tmpl[i]
// (C's, at most two digits each, as Lua allows) and the conversion letter.
func formatSpec(L *lua.LState, tmpl string, i int) (spec string, verb byte, end int) {
	start := i
	for i < len(tmpl) && strings.IndexByte("-+ #0", tmpl[i]) >= 0 {
		i++
	}
	if i-start > 5 {
		L.RaiseError("invalid format (repeated flags)")
	}
	digits := func() {
		n := 0
		for i < len(tmpl) && tmpl[i] >= '0' && tmpl[i] <= '9' {
			i++
			n++
		}
		if n > 2 {
			L.RaiseError("invalid format (width or precision too long)")
		}
	}
	digits()
	if i < len(tmpl) && tmpl[i] == '.' {
		i++
		digits()
	}
	if i >= len(tmpl) {
		L.RaiseError("invalid option '%%' to 'format'")
	}
	return "%" + tmpl[start:i], tmpl[i], i
}

// formatOne formats argument arg by spec and verb into out.
func formatOne(L *lua.LState, out *strings.Builder, spec string, verb byte, arg int) {
	if arg > L.GetTop() {
		L.ArgError(arg, "no value")
	}
	switch verb {
	case 'd', 'i':
		out.WriteString(fmt.Sprintf(spec+"d", formatInt(L, arg)))
	case 'o', 'x', 'X':
		out.WriteString(fmt.Sprintf(spec+string(verb), uint64(formatInt(L, arg))))
	case 'u':
		out.WriteString(fmt.Sprintf(spec+"d", uint64(formatInt(L, arg))))
	case 'c':
		out.WriteByte(byte(formatInt(L, arg)))
	case 'e', 'E', 'f', 'g', 'G':
		out.WriteString(formatFloat(spec, verb, float64(L.CheckNumber(arg))))
	case 'q':
		out.WriteString(quoteLua(L.CheckString(arg)))
	case 's':
		v := L.Get(arg)
		s := ""
		if n, ok := v.(lua.LNumber); ok {
			s = luaNumber(float64(n))
		} else {
			s = lua.LVAsString(L.ToStringMeta(v))
		}
		out.WriteString(padString(spec, s))
	default:
		L.RaiseError("invalid option '%%%c' to 'format'", verb)
	}
}

// padString applies %s's precision and width in bytes, as C does (Go's
// fmt counts runes).
func padString(spec, s string) string {
	body := strings.TrimLeft(spec[1:], "-+ #0")
	left := strings.Contains(spec[1:len(spec)-len(body)], "-")
	width, prec, hasPrec := strings.Cut(body, ".")
	if p, _ := strconv.Atoi(prec); hasPrec && p < len(s) {
		s = s[:p]
	}
	w, _ := strconv.Atoi(width)
	if pad := w - len(s); pad > 0 {
		if left {
			return s + strings.Repeat(" ", pad)
		}
		return strings.Repeat(" ", pad) + s
	}
	return s
}

// formatInt converts a number argument as C's cast does: truncating.
func formatInt(L *lua.LState, arg int) int64 {
	f := float64(L.CheckNumber(arg))
	if math.IsNaN(f) || f >= 1<<63 || f < -1<<63 {
		return math.MinInt64
	}
	return int64(f)
}

// formatFloat formats as C's printf: precision 6 unless given (Go's %g
// would print the shortest form), and inf/nan spelled as C spells them.
func formatFloat(spec string, verb byte, f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return formatNonFinite(spec, verb, f)
	}
	if !strings.Contains(spec, ".") {
		spec += ".6"
	}
	return fmt.Sprintf(spec+string(verb), f)
}

// formatNonFinite spells inf and nan as C does, honouring the width and
// the '-', '+' and ' ' flags; C ignores '0', '#' and the precision there.
func formatNonFinite(spec string, verb byte, f float64) string {
	body := strings.TrimLeft(spec[1:], "-+ #0")
	flags := spec[1 : len(spec)-len(body)]
	width, _, _ := strings.Cut(body, ".")
	s := "nan"
	switch {
	case math.IsInf(f, -1):
		s = "-inf"
	case math.IsInf(f, 1) && strings.Contains(flags, "+"):
		s = "+inf"
	case math.IsInf(f, 1) && strings.Contains(flags, " "):
		s = " inf"
	case math.IsInf(f, 1):
		s = "inf"
	}
	if verb == 'E' || verb == 'G' {
		s = strings.ToUpper(s)
	}
	if strings.Contains(flags, "-") {
		width = "-" + width
	}
	return fmt.Sprintf("%"+width+"s", s)
}

// quoteLua is %q: a string Lua reads back as the same bytes.
func quoteLua(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString("\\\n")
		case '\r':
			b.WriteString("\\r")
		case 0:
			b.WriteString("\\000")
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
