package jobedit

import (
	"bytes"
	"fmt"

	"github.com/pelletier/go-toml/v2/unstable"
)

// span is the bytes of one [[jobs]] table in a file: from the start of its
// header's line to the end of the line of its last key or sub-table header.
// Blank lines and comments after that belong to what follows, so an edit
// keeps them; comments inside the table are the job's own.
type span struct{ start, end int }

// jobSpans finds the [[jobs]] tables of data, a file that parses, in order.
func jobSpans(data []byte) ([]span, error) {
	var spans []span
	var p unstable.Parser
	p.Reset(data)
	open := false
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.ArrayTable, unstable.Table:
			parts, first, last := keyOf(e)
			switch {
			case e.Kind == unstable.ArrayTable && len(parts) == 1 && parts[0] == "jobs":
				open = true
				spans = append(spans, span{start: lineStart(data, int(first.Raw.Offset)), end: lineEnd(data, rawEnd(last))})
			case open && len(parts) > 1 && parts[0] == "jobs":
				spans[len(spans)-1].end = lineEnd(data, rawEnd(last))
			default:
				open = false
			}
		case unstable.KeyValue:
			if open {
				spans[len(spans)-1].end = lineEnd(data, int(e.Raw.Offset+e.Raw.Length))
			}
		}
	}
	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("the file does not parse: %w", err)
	}
	return spans, nil
}

// keyOf returns the parts of a header's key and its first and last nodes.
func keyOf(e *unstable.Node) (parts []string, first, last *unstable.Node) {
	it := e.Key()
	for it.Next() {
		n := it.Node()
		if first == nil {
			first = n
		}
		last = n
		parts = append(parts, string(n.Data))
	}
	return parts, first, last
}

func rawEnd(n *unstable.Node) int { return int(n.Raw.Offset + n.Raw.Length) }

// lineStart returns the offset of the start of the line holding off.
func lineStart(data []byte, off int) int {
	return bytes.LastIndexByte(data[:off], '\n') + 1
}

// lineEnd returns the offset just past the newline ending the line that
// holds off, or the end of data.
func lineEnd(data []byte, off int) int {
	if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(data)
}

// blankLine reports whether data[from:to] is only spaces and tabs, up to
// its newline.
func blankLine(line []byte) bool {
	return len(bytes.TrimRight(line, " \t\r\n")) == 0
}

// commentLine reports whether line holds only a comment.
func commentLine(line []byte) bool {
	t := bytes.TrimLeft(line, " \t")
	return len(t) > 0 && t[0] == '#'
}

// deletion widens s to what deleting its job removes: the comment lines
// right above its header (no blank line between, so they are about it),
// and the blank lines after it when a blank line or the file's start
// already separates it from what comes before.
func deletion(data []byte, s span) span {
	for s.start > 0 {
		prev := lineStart(data, s.start-1)
		if !commentLine(data[prev:s.start]) {
			break
		}
		s.start = prev
	}
	if s.start == 0 || (s.start >= 2 && blankLine(data[lineStart(data, s.start-1):s.start])) {
		for s.end < len(data) {
			next := lineEnd(data, s.end)
			if !blankLine(data[s.end:next]) {
				break
			}
			s.end = next
		}
	}
	return s
}

// splice returns data with data[s.start:s.end] replaced by repl.
func splice(data []byte, s span, repl []byte) []byte {
	out := make([]byte, 0, len(data)-(s.end-s.start)+len(repl))
	out = append(out, data[:s.start]...)
	out = append(out, repl...)
	return append(out, data[s.end:]...)
}

// appendJob returns data with the table text added at its end, after a
// blank line.
func appendJob(data, text []byte, nl string) []byte {
	out := bytes.Clone(data)
	if len(out) > 0 {
		if out[len(out)-1] != '\n' {
			out = append(out, nl...)
		}
		out = append(out, nl...)
	}
	return append(out, text...)
}

// newline returns the file's line ending: CRLF if it uses it.
func newline(data []byte) string {
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}
