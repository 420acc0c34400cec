package jobedit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentEdits: edits made at once from one ETag: exactly one
// lands, the others get a conflict, and the file holds the one that
// landed, whole.
func TestConcurrentEdits(t *testing.T) {
	t.Parallel()
	e, dir := site(t)
	j, err := e.Job("beta")
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = e.Update("beta", Fields{"file": "jobs/beta.lua", "interval": fmt.Sprintf("%ds", i+1)}, j.ETag)
		})
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won >= 0:
			t.Fatalf("edits %d and %d both landed", won, i)
		case err == nil:
			won = i
		case !errors.Is(err, ErrConflict):
			t.Fatalf("edit %d: %v", i, err)
		}
	}
	if won < 0 {
		t.Fatal("no edit landed")
	}
	reread(t, e, "beta", Fields{"name": "beta", "file": "jobs/beta.lua", "interval": fmt.Sprintf("%ds", won+1)})
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

// TestCRLF: a file with CRLF line ends keeps them in the table written.
func TestCRLF(t *testing.T) {
	t.Parallel()
	e, dir := site(t)
	path := filepath.Join(dir, "conf.d/one.toml")
	data, _ := os.ReadFile(path)
	crlf := strings.ReplaceAll(string(data), "\n", "\r\n")
	if err := os.WriteFile(path, []byte(crlf), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Update("delta", Fields{"file": "jobs/delta.lua", "interval": 7}, "*"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := "# A drop-in file of jobs.\r\n\r\n[[jobs]]\r\nname = \"delta\"\r\nfile = \"jobs/delta.lua\"\r\ninterval = 7\r\n"
	if string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
