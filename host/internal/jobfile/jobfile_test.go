//go:build unix

package jobfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// within fails the test if f does not return soon: a hang guard, not a
// timing assertion.
func within(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("opening the job file hung")
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	secret := filepath.Join(t.TempDir(), "shadow")
	if err := os.WriteFile(secret, []byte("root:SECRET-HASH:19000::::::\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		make func(t *testing.T, path string)
		want string
	}{
		{"fifo", func(t *testing.T, p string) { must(t, syscall.Mkfifo(p, 0o600)) }, "is a named pipe (FIFO), not a regular file"},
		{"dev-zero", func(t *testing.T, p string) { must(t, os.Symlink("/dev/zero", p)) }, "leads out of"},
		{"directory", func(t *testing.T, p string) { must(t, os.Mkdir(p, 0o700)) }, "is a directory, not a regular file"},
		{"oversized", func(t *testing.T, p string) { must(t, os.WriteFile(p, make([]byte, 1025), 0o600)) }, "is 1025 bytes, more than max_lua_file (1 KiB)"},
		{"sparse", func(t *testing.T, p string) {
			f, err := os.Create(p)
			must(t, err)
			must(t, f.Truncate(2<<40))
			must(t, f.Close())
		}, "is 2.0 TiB, more than max_lua_file (1 KiB)"},
		{"secret", func(t *testing.T, p string) { must(t, os.Symlink(secret, p)) }, "leads out of"},
		{"dotdot", func(t *testing.T, p string) { must(t, os.Symlink("../../x", p)) }, "leads out of"},
		{"missing", func(t *testing.T, p string) {}, "no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "x.lua")
			tc.make(t, path)
			var roots Roots
			defer roots.Close()
			for _, read := range []func(Spec) ([]byte, fs.FileInfo, error){Read, roots.Read, roots.Read} {
				var err error
				within(t, func() { _, _, err = read(Spec{Name: "jobs/x.lua", Path: path, Max: 1024, MaxKey: "max_lua_file"}) })
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "jobs/x.lua") {
					t.Fatalf("got %v, want an error naming the file and saying %q", err, tc.want)
				}
				if strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), secret) {
					t.Fatalf("the error shows the symlink's target: %v", err)
				}
			}
		})
	}
}

func TestOutsideRoot(t *testing.T) {
	t.Parallel()
	root, other := t.TempDir(), t.TempDir()
	path := filepath.Join(other, "x.lua")
	must(t, os.WriteFile(path, []byte("x"), 0o600))
	if _, _, err := Read(Spec{Name: "x.lua", Path: path, Root: root, Max: 10, MaxKey: "max_lua_file"}); err == nil || !strings.Contains(err.Error(), "lies outside") {
		t.Fatalf("got %v", err)
	}
}

func TestReadsInsideRoot(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	must(t, os.Mkdir(filepath.Join(root, "sub"), 0o700))
	must(t, os.WriteFile(filepath.Join(root, "sub", "real.lua"), []byte("return 1"), 0o600))
	// A symlink that stays inside the root is followed.
	must(t, os.Symlink("sub/real.lua", filepath.Join(root, "link.lua")))
	for _, p := range []string{"sub/real.lua", "link.lua"} {
		b, st, err := Read(Spec{Name: p, Path: filepath.Join(root, p), Root: root, Max: 8, MaxKey: "max_lua_file"})
		if err != nil || string(b) != "return 1" || st.Size() != 8 {
			t.Fatalf("%s: got %q, %v", p, b, err)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkRefuse is what refusing each kind of bad job file costs: no
// read, no wait.
func BenchmarkRefuse(b *testing.B) {
	dir := b.TempDir()
	fifo, sparse, zero := filepath.Join(dir, "fifo.lua"), filepath.Join(dir, "sparse.wasm"), filepath.Join(dir, "zero.lua")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(sparse)
	if err != nil {
		b.Fatal(err)
	}
	f.Truncate(1 << 40)
	f.Close()
	if err := os.Symlink("/dev/zero", zero); err != nil {
		b.Fatal(err)
	}
	for _, p := range []string{fifo, sparse, zero} {
		b.Run(filepath.Base(p), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := Read(Spec{Name: p, Path: p, Max: 64 << 20, MaxKey: "max_wasm_file"}); err == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}
