//go:build unix

package jobfile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// settledCache is a Cache whose clock runs an hour ahead, so every file
// it reads has held still long enough to be answered from memory.
func settledCache() *Cache {
	return &Cache{now: func() time.Time { return time.Now().Add(time.Hour) }}
}

// settledFile writes "return 1" to x.lua in a new job directory and
// returns a settledCache, closed with the test, and the file's Spec.
func settledFile(t *testing.T) (*Cache, Spec) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.lua")
	must(t, os.WriteFile(path, []byte("return 1"), 0o600))
	c := settledCache()
	t.Cleanup(c.Close)
	return c, Spec{Name: "jobs/x.lua", Path: path, Root: dir, Max: 64, MaxKey: "max_lua_file"}
}

// fromMemory reports whether two reads returned the same bytes in memory,
// not two reads of the file.
func fromMemory(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }

func TestCacheAnswersAnUnchangedFileFromMemory(t *testing.T) {
	t.Parallel()
	c, s := settledFile(t)
	first, err := c.Read(s)
	must(t, err)
	again, err := c.Read(s)
	must(t, err)
	if again != "return 1" || !fromMemory(first, again) {
		t.Fatalf("an unchanged file was read again (%q)", again)
	}
}

// TestCacheSeesEveryChange: whatever happens to a cached file, the next
// read sees it, with Open's checks.
func TestCacheSeesEveryChange(t *testing.T) {
	t.Parallel()
	secret := filepath.Join(t.TempDir(), "shadow")
	must(t, os.WriteFile(secret, []byte("SECRET"), 0o600))
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, path string)
		max    int64
		want   string // the content, or what the error says
	}{
		{"edited", func(t *testing.T, p string) { must(t, os.WriteFile(p, []byte("return 22"), 0o600)) }, 64, "return 22"},
		{"replaced", func(t *testing.T, p string) {
			must(t, os.WriteFile(p+".new", []byte("return 2"), 0o600))
			must(t, os.Rename(p+".new", p))
		}, 64, "return 2"},
		{"removed", func(t *testing.T, p string) { must(t, os.Remove(p)) }, 64, "no such file"},
		{"symlink out", func(t *testing.T, p string) {
			must(t, os.Remove(p))
			must(t, os.Symlink(secret, p))
		}, 64, "leads out of"},
		{"fifo", func(t *testing.T, p string) {
			must(t, os.Remove(p))
			must(t, syscall.Mkfifo(p, 0o600))
		}, 64, "named pipe"},
		{"cap lowered", func(t *testing.T, p string) {}, 4, "more than max_lua_file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, s := settledFile(t)
			path := s.Path
			if _, err := c.Read(s); err != nil {
				t.Fatal(err)
			}
			tc.change(t, path)
			s.Max = tc.max
			var got string
			var err error
			within(t, func() { got, err = c.Read(s) })
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tc.want) || strings.Contains(got, "SECRET") {
				t.Fatalf("read %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCacheRereadsAFileTooNewToTrust: a file written in the same tick of
// the file system's clock as its read may change again without its times
// showing it, so it is read anew until it has held still.
func TestCacheRereadsAFileTooNewToTrust(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.lua")
	var c Cache // the real clock: the file was written just now
	defer c.Close()
	s := Spec{Name: "x.lua", Path: path, Root: dir, Max: 64, MaxKey: "max_lua_file"}
	for _, src := range []string{"return 1", "return 2", "return 3"} {
		// Same size each time: only the times could tell the edits apart.
		must(t, os.WriteFile(path, []byte(src), 0o600))
		if got, err := c.Read(s); err != nil || got != src {
			t.Fatalf("read %q (%v), want %q", got, err, src)
		}
	}
}

func TestSettled(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "x.lua")
	must(t, os.WriteFile(path, nil, 0o600))
	st, err := os.Stat(path)
	must(t, err)
	ctime, ok := changeTime(st)
	if !ok {
		t.Skip("no change time here")
	}
	if VersionOf(st, time.Now()).trusted {
		t.Error("a file written just now is trusted")
	}
	if !VersionOf(st, ctime.Add(time.Hour)).trusted {
		t.Error("a file read an hour after its last change is not trusted")
	}
	for after, want := range map[time.Duration]bool{0: false, time.Second: false, settleTime + time.Millisecond: true} {
		if got := settled(st, ctime, ctime.Add(after)); got != want {
			t.Errorf("read %s after the last change: settled = %v, want %v", after, got, want)
		}
	}
}
