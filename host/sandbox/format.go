package sandbox

import (
	"strconv"
	"strings"

	"github.com/jobbox/jobbox/abi"
)

// formatLog renders the arguments of one core.log call: strings as they
// are, other values the way Lua would print them, tables readably.
func formatLog(args []any) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if s, ok := a.(string); ok {
			b.WriteString(s)
			continue
		}
		formatValue(&b, a)
	}
	return strings.ToValidUTF8(b.String(), "?")
}

func formatValue(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("nil")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'g', 14, 64))
	case string:
		b.WriteString(strconv.Quote(x))
	case []any:
		b.WriteByte('{')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			formatValue(b, e)
		}
		b.WriteByte('}')
	case abi.Table:
		b.WriteByte('{')
		for i, f := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			if k, ok := f.Key.(string); ok && isIdentifier(k) {
				b.WriteString(k)
			} else {
				b.WriteByte('[')
				formatValue(b, f.Key)
				b.WriteByte(']')
			}
			b.WriteString(" = ")
			formatValue(b, f.Value)
		}
		b.WriteByte('}')
	}
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r != '_' && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}
