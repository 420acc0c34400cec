//go:build unix

package service

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestSecureStateDir(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		setup func(t *testing.T, state string)
		want  string // "" for accepted
	}{
		"created": {func(*testing.T, string) {}, ""},
		"world-writable": {func(t *testing.T, state string) {
			must(t, os.Chmod(state, 0o777))
		}, "chmod 700"},
		"group-writable cache file": {func(t *testing.T, state string) {
			writeFile(t, filepath.Join(state, CacheDir, "entry"), 0o660)
		}, "writable by group or others"},
		"symlink": {func(t *testing.T, state string) {
			must(t, os.Symlink("/etc/passwd", filepath.Join(state, StoreFile)))
		}, "is a symbolic link"},
		"fifo": {func(t *testing.T, state string) {
			must(t, syscall.Mkfifo(filepath.Join(state, SocketFile), 0o600))
		}, "is a named pipe"},
		"parent writable by others": {func(t *testing.T, state string) {
			must(t, os.Chmod(filepath.Dir(state), 0o777))
		}, "a parent of the state directory"},
		"sticky parent": {func(t *testing.T, state string) {
			must(t, os.Chmod(filepath.Dir(state), 0o777|os.ModeSticky))
		}, ""},
		"cache entry planted by another user": {func(t *testing.T, state string) {
			if os.Getuid() != 0 {
				t.Skip("needs root to give a file to another user")
			}
			entry := filepath.Join(state, CacheDir, "wazero", "planted")
			writeFile(t, entry, 0o600)
			must(t, os.Chown(entry, 65534, 65534))
		}, "is owned by uid 65534"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			state := filepath.Join(t.TempDir(), "state")
			must(t, os.Mkdir(state, 0o700))
			c.setup(t, state)
			err := SecureStateDir(state)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("got %v, want an error saying %q", err, c.want)
			}
		})
	}
}

func TestSecureStateDirCreatesPrivately(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "a", "state")
	must(t, SecureStateDir(state))
	st, err := os.Stat(state)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("state directory: %v %v", st.Mode(), err)
	}
}

func TestStartRefusesAnOpenStateDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	must(t, os.Mkdir(state, 0o700))
	must(t, os.Chmod(state, 0o777))
	writeFile(t, filepath.Join(dir, "config.toml"), 0o600)
	_, err := Start(context.Background(), filepath.Join(dir, "config.toml"), Options{})
	if err == nil || !strings.Contains(err.Error(), "chmod 700 "+state) {
		t.Fatalf("start in a world-writable state directory: %v", err)
	}
}

func writeFile(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	must(t, os.MkdirAll(filepath.Dir(path), 0o700))
	must(t, os.WriteFile(path, nil, mode))
	must(t, os.Chmod(path, mode)) // whatever the umask
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkSecureStateDir measures the check of a state directory whose
// cache holds 1000 compiled modules.
func BenchmarkSecureStateDir(b *testing.B) {
	state := filepath.Join(b.TempDir(), "state")
	for i := range 1000 {
		path := filepath.Join(state, CacheDir, "wazero", strconv.Itoa(i))
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if err := SecureStateDir(state); err != nil {
			b.Fatal(err)
		}
	}
}
