package main

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// luaJITEscapes rewrites the string escapes LuaJIT 2.1 reads and gopher-lua
// does not, in the quoted strings of a job file, into ones both read the
// same: "\xHH" and "\u{XXX}" into decimal "\ddd" escapes, and "\z" (skip
// the following space) by dropping that space. gopher-lua would otherwise
// keep "\x41" as the letters "x41", a silent difference, and refuse "\z".
// "\xHH" and "\ddd" are both four characters, so error columns stay right;
// the line breaks a "\z" skips move to just after the string, so lines do
// too. Comments and long strings are copied untouched.
func luaJITEscapes(src string) string {
	if !strings.Contains(src, `\x`) && !strings.Contains(src, `\u{`) && !strings.Contains(src, `\z`) {
		return src
	}
	var b strings.Builder
	b.Grow(len(src))
	for i := 0; i < len(src); {
		switch c := src[i]; {
		case c == '-' && strings.HasPrefix(src[i:], "--"):
			end := len(src)
			if lvl, ok := longBracket(src, i+2); ok {
				end = closeLong(src, i+2, lvl)
			} else if nl := strings.IndexByte(src[i:], '\n'); nl >= 0 {
				end = i + nl
			}
			b.WriteString(src[i:end])
			i = end
		case c == '[':
			end := i + 1
			if lvl, ok := longBracket(src, i); ok {
				end = closeLong(src, i, lvl)
			}
			b.WriteString(src[i:end])
			i = end
		case c == '"' || c == '\'':
			i = shortString(&b, src, i)
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// longBracket reports whether a long bracket [==[ opens at src[i], and its
// level (the number of '=').
func longBracket(src string, i int) (int, bool) {
	if i >= len(src) || src[i] != '[' {
		return 0, false
	}
	j := i + 1
	for j < len(src) && src[j] == '=' {
		j++
	}
	return j - i - 1, j < len(src) && src[j] == '['
}

// closeLong returns the index just past the long bracket of level lvl that
// closes the one opening at src[i], or the end of src.
func closeLong(src string, i, lvl int) int {
	closer := "]" + strings.Repeat("=", lvl) + "]"
	if k := strings.Index(src[i+lvl+2:], closer); k >= 0 {
		return i + lvl + 2 + k + len(closer)
	}
	return len(src)
}

// shortString copies the quoted string opening at src[i] to b, rewriting
// LuaJIT's escapes, and returns the index just past it.
func shortString(b *strings.Builder, src string, i int) int {
	quote := src[i]
	b.WriteByte(quote)
	skipped := 0 // line breaks a \z dropped, written after the string
	i++
	for i < len(src) && src[i] != quote && src[i] != '\n' {
		if src[i] != '\\' || i+1 >= len(src) {
			b.WriteByte(src[i])
			i++
			continue
		}
		switch src[i+1] {
		case 'x':
			if n, err := strconv.ParseUint(src[i+2:min(i+4, len(src))], 16, 8); err == nil && i+4 <= len(src) {
				writeDecimal(b, byte(n))
				i += 4
				continue
			}
		case 'u':
			if end := strings.IndexByte(src[i:], '}'); src[i+2:min(i+3, len(src))] == "{" && end > 3 {
				if r, err := strconv.ParseUint(src[i+3:i+end], 16, 32); err == nil && r <= utf8.MaxRune {
					for _, c := range utf8.AppendRune(nil, rune(r)) {
						writeDecimal(b, c)
					}
					i += end + 1
					continue
				}
			}
		case 'z':
			i += 2
			for i < len(src) && strings.IndexByte(" \t\n\r\v\f", src[i]) >= 0 {
				if src[i] == '\n' {
					skipped++
				}
				i++
			}
			continue
		}
		b.WriteString(src[i : i+2]) // any other escape, as it is
		i += 2
	}
	if i < len(src) && src[i] == quote {
		b.WriteByte(quote)
		i++
	}
	b.WriteString(strings.Repeat("\n", skipped))
	return i
}

func writeDecimal(b *strings.Builder, c byte) {
	b.WriteByte('\\')
	b.WriteByte('0' + c/100)
	b.WriteByte('0' + c/10%10)
	b.WriteByte('0' + c%10)
}
