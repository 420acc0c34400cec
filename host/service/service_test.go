package service

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStopWaitsForPrepare: Stop, right after a start and a reload that
// compile guests in the background, returns only once those goroutines have
// ended, and a reload after it starts none.
func TestStopWaitsForPrepare(t *testing.T) {
	t.Parallel()
	wasm, err := os.ReadFile(filepath.Join("..", "..", "jobs", "hello-go.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var cfg strings.Builder
	for i := range 3 {
		name := fmt.Sprintf("g%d", i)
		if err := os.WriteFile(filepath.Join(dir, name+".wasm"), wasm, 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&cfg, "[[jobs]]\nname = %q\nfile = \"%s.wasm\"\ninterval = 3600\n", name, name)
	}
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	svc, err := Start(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc.Stop(context.Background())
	if n := svc.preparing.Load(); n != 0 {
		t.Fatalf("%d prepare goroutines still run after Stop", n)
	}
	_ = svc.Reload(context.Background()) // fails or not: it must start nothing
	if n := svc.preparing.Load(); n != 0 {
		t.Fatalf("a reload after Stop started %d prepare goroutines", n)
	}
}
