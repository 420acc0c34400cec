package modules

import (
	"strings"
	"time"
)

// escape quotes s for use inside a single-quoted SQL string, as
// mysql_real_escape_string does. core.mysql.escape adds the quotes.
func escape(s string) string {
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

// mysqlTime formats a Unix time (now when not a number) as a UTC DATETIME
// or DATE, as the docs' timestamp and date do.
func mysqlTime(method string, v any) string {
	t := time.Now()
	switch n := v.(type) {
	case int64:
		t = time.Unix(n, 0)
	case float64:
		t = time.Unix(int64(n), 0)
	}
	t = t.UTC()
	if method == "date" {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.DateTime)
}
