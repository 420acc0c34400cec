// Package sqlescape escapes text for a single-quoted MySQL string, as
// mysql_real_escape_string does. It is shared by the host's core.mysql and
// the Lua guest's, so that both escape alike; it imports only the
// standard library, as everything under abi/ must.
package sqlescape

import "strings"

// Escape returns s with NUL, newline, carriage return, backslash, both
// quotes and Ctrl-Z escaped, for use inside single quotes (it adds none).
func Escape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch c {
		case 0:
			b.WriteString(`\0`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\\', '\'', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case 0x1a:
			b.WriteString(`\Z`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
