// Package sqlescape escapes text for a single-quoted MySQL string, as
// mysql_real_escape_string does. It is shared by the host's core.mysql and
// the Lua guest's, so that both escape alike; it imports only the
// standard library, as everything under abi/ must.
package sqlescape

// Escape returns s with NUL, newline, carriage return, backslash, both
// quotes and Ctrl-Z escaped, for use inside single quotes (it adds none).
func Escape(s string) string {
	return string(appendEscaped(make([]byte, 0, len(s)), s))
}

// Quote returns s escaped as Escape does, in single quotes: a MySQL string
// literal, as core.mysql.escape answers.
func Quote(s string) string {
	b := append(make([]byte, 0, len(s)+2), '\'')
	return string(append(appendEscaped(b, s), '\''))
}

func appendEscaped(b []byte, s string) []byte {
	for _, c := range []byte(s) {
		switch c {
		case 0:
			b = append(b, `\0`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\\', '\'', '"':
			b = append(b, '\\', c)
		case 0x1a:
			b = append(b, `\Z`...)
		default:
			b = append(b, c)
		}
	}
	return b
}
