package service

import (
	"bytes"
	"strings"
	"testing"
)

func TestConsoleLogEscapesControlCharacters(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	log := newLogger(&out, true, "info")
	log.Warn().Str("job", "evil").Str("error", "boom\x1b[2J").Msg("line\x1b]0;title\a")
	// The console's own colours are escape sequences too; the job's are not.
	if strings.Contains(out.String(), "\x1b[2J") || strings.ContainsAny(out.String(), "\a") || strings.Contains(out.String(), "\x1b]") {
		t.Fatalf("a control character reached the console: %q", out.String())
	}
	if !strings.Contains(out.String(), `x1b[2J`) {
		t.Fatalf("the escaped error is missing: %q", out.String())
	}
}
