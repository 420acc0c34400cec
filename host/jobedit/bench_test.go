package jobedit

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkUpdate times one job update in a config of n jobs: read,
// render, validate the whole config (which opens every job file), and the
// atomic replace.
func BenchmarkUpdate(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "jobs"), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "jobs", "j.lua"), Template(), 0o644); err != nil {
				b.Fatal(err)
			}
			var cfg strings.Builder
			cfg.WriteString("job_dirs = [\"jobs\"]\n")
			for i := range n {
				fmt.Fprintf(&cfg, "\n# job %d\n[[jobs]]\nname = \"j%d\"\nfile = \"jobs/j.lua\"\ninterval = 60\n", i, i)
			}
			path := filepath.Join(dir, "config.toml")
			if err := os.WriteFile(path, []byte(cfg.String()), 0o644); err != nil {
				b.Fatal(err)
			}
			e, err := New(path, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				if _, err := e.Update(fmt.Sprintf("j%d", n/2), Fields{"file": "jobs/j.lua", "interval": 60 + i%2}, "*"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
