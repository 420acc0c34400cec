package sandbox

import (
	"strings"
	"testing"

	"github.com/jobbox/jobbox/abi"
)

// FuzzFormatLogIsBounded: whatever a guest passes to core.log, rendering
// it costs no more than maxLogLine of the bytes the run may still log.
func FuzzFormatLogIsBounded(f *testing.F) {
	nested, _ := abi.Encode([]any{[]any{[]any{"\x00\x01", int64(-1 << 62)}}, abi.Table{{Key: 1.5, Value: nil}}})
	many, _ := abi.Encode([]any{make([]any, 5000)})
	f.Add([]byte{0x06, 0x01, 0x05, 0x02, 'h', 'i'}, 10)
	f.Add(nested, 3)
	f.Add(many, 100)
	f.Add([]byte(strings.Repeat("\x06\x01", 60)+"\x00"), 0)
	f.Fuzz(func(t *testing.T, in []byte, limit int) {
		args, err := abi.DecodeList(in)
		if err != nil {
			return
		}
		limit = limit & 0xffff
		if line := formatLog(args, limit); len(line) > maxLogLine(limit) {
			t.Fatalf("a line of %d bytes under a limit of %d", len(line), limit)
		}
	})
}

func TestFormatLogStopsAtItsLimit(t *testing.T) {
	t.Parallel()
	args := []any{make([]any, 100_000), strings.Repeat("\x00", 1<<20)}
	if line := formatLog(args, 1000); len(line) > maxLogLine(1000) {
		t.Fatalf("a line of %d bytes under a limit of 1000", len(line))
	}
	if got := formatLog([]any{"a", int64(1), []any{"b"}, abi.Table{{Key: "k", Value: true}}}, 100); got != `a 1 {"b"} {k = true}` {
		t.Fatalf("formatLog = %q", got)
	}
}
