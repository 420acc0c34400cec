package sandbox

import (
	"strconv"
	"strings"

	"github.com/jobbox/jobbox/abi"
)

// formatLog renders the arguments of one core.log call: strings as they
// are, other values the way Lua would print them, tables readably. It
// stops soon after the line passes limit bytes, so a call's arguments
// (which a few bytes can make print long) never cost more than a few times
// the log limit to render: see maxLogLine.
func formatLog(args []any, limit int) string {
	w := &logWriter{limit: limit}
	for i, a := range args {
		if w.full() {
			break
		}
		if i > 0 {
			w.WriteByte(' ')
		}
		if s, ok := a.(string); ok {
			w.WriteString(w.room(s))
			continue
		}
		w.value(a)
	}
	return strings.ToValidUTF8(w.String(), "?")
}

// maxLogLine is the longest line formatLog renders under limit: a quoted
// string may take 4 bytes per byte, and each open table closes with a
// brace.
func maxLogLine(limit int) int { return 4*max(limit+1, 0) + 64 + 2*abi.MaxDepth }

// logWriter renders a log line up to about limit bytes.
type logWriter struct {
	strings.Builder
	limit int
}

// full reports whether the line has passed its limit.
func (w *logWriter) full() bool { return w.Len() > w.limit }

// room returns as much of s as takes the line just past its limit.
func (w *logWriter) room(s string) string {
	return s[:min(len(s), max(w.limit-w.Len()+1, 0))]
}

func (w *logWriter) value(v any) {
	switch x := v.(type) {
	case nil:
		w.WriteString("nil")
	case bool:
		w.WriteString(strconv.FormatBool(x))
	case int64:
		w.WriteString(strconv.FormatInt(x, 10))
	case float64:
		w.WriteString(strconv.FormatFloat(x, 'g', 14, 64))
	case string:
		w.WriteString(strconv.Quote(w.room(x)))
	case []any:
		w.WriteByte('{')
		for i, e := range x {
			if w.full() {
				break
			}
			if i > 0 {
				w.WriteString(", ")
			}
			w.value(e)
		}
		w.WriteByte('}')
	case abi.Table:
		w.WriteByte('{')
		for i, f := range x {
			if w.full() {
				break
			}
			if i > 0 {
				w.WriteString(", ")
			}
			if k, ok := f.Key.(string); ok && isIdentifier(k) {
				w.WriteString(w.room(k))
			} else {
				w.WriteByte('[')
				w.value(f.Key)
				w.WriteByte(']')
			}
			w.WriteString(" = ")
			w.value(f.Value)
		}
		w.WriteByte('}')
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
