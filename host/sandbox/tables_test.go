package sandbox

import (
	"context"
	"strings"
	"testing"
)

// bigTable is okGuest with a table of 131,072 elements, its only state
// beyond a page of memory, which wazero keeps in 1 MiB of host memory; its
// run returns 0:
//
//	(table 131072 funcref)
var bigTable = func() string {
	const memorySection = "\x05\x03\x01\x00\x01"
	const tableSection = "\x04\x06\x01\x70\x00\x80\x80\x08"
	at := strings.Index(string(okGuest), memorySection) // a table comes before memory
	bin := string(okGuest[:at]) + tableSection + string(okGuest[at:])
	return strings.TrimSuffix(bin, "\x41\x01\x0b") + "\x41\x00\x0b"
}()

func TestTablesCountAgainstTheMemoryLimit(t *testing.T) {
	t.Parallel()
	e := testEngine(t)
	for _, c := range []struct {
		memory uint64
		errHas string
	}{
		{1 << 20, "memory limit of 1 MiB exceeded: the guest's tables take 1 MiB"},
		{2 << 20, ""},
	} {
		job := writeJob(t, "table.wasm", bigTable)
		job.Limits = DefaultLimits()
		job.Limits.MemoryBytes = c.memory
		out := e.Run(context.Background(), job)
		if c.errHas == "" && strings.Contains(out.Error, "tables take") ||
			c.errHas != "" && !strings.Contains(out.Error, c.errHas) {
			t.Errorf("with %d bytes of memory: %v %q, want an error containing %q", c.memory, out.Status, out.Error, c.errHas)
		}
	}
}
