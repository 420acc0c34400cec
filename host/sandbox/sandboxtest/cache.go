package sandboxtest

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/sandbox"
)

// SharedCacheDir is the compilation cache NewEngine uses unless told
// otherwise: one directory per machine and user, so the Lua guest compiles
// once, not once per test binary.
func SharedCacheDir() string {
	return filepath.Join(os.TempDir(), "jobbox-test-cache-"+uid())
}

// warm compiles the Lua guest into the shared cache once per process.
var warm = sync.OnceValue(func() error {
	e, err := sandbox.New(context.Background(), sandbox.Options{CacheDir: SharedCacheDir(), Location: time.UTC})
	if err != nil {
		return err
	}
	return e.Close(context.Background())
})

// SeedCache fills dir, a compilation cache a test's service or engine will
// use (STATE_DIR/cache), with the shared cache's compiled guests, so it
// starts warm: compiling the Lua guest takes seconds, and minutes under the
// race detector on a busy machine. The files are hard links where the file
// system allows (the cache never rewrites an entry), copies otherwise; the
// directories are made 0700, as the service requires of its state.
func SeedCache(t testing.TB, dir string) {
	t.Helper()
	if err := warm(); err != nil {
		t.Fatalf("warming the shared compilation cache: %v", err)
	}
	src := SharedCacheDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		return linkOrCopy(path, dst)
	})
	if err != nil {
		t.Fatalf("seeding the compilation cache %s: %v", dir, err)
	}
}

func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil || errors.Is(err, fs.ErrExist) {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
