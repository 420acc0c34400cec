package sandbox

import (
	"io"
	"strings"
)

// cappedBuffer keeps the first bytes a guest writes to stdout and stderr:
// enough to explain a crash (Go prints "fatal error: ..." there), never more.
type cappedBuffer struct {
	buf []byte
}

const stderrCap = 8 << 10

var _ io.Writer = (*cappedBuffer)(nil)

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := stderrCap - len(b.buf); room > 0 {
		b.buf = append(b.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (b *cappedBuffer) reset() { b.buf = b.buf[:0] }

// summary is the first non-empty line written, which for a Go guest is the
// panic or fatal error message.
func (b *cappedBuffer) summary() string {
	if b == nil {
		return ""
	}
	for _, line := range strings.Split(string(b.buf), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return strings.ToValidUTF8(line, "?")
		}
	}
	return ""
}
