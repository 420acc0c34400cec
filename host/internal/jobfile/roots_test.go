//go:build unix

package jobfile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRootsSeeADeploy: a Roots keeps the job directory open, yet a deploy
// that switches the directory's path to a new release, or removes the
// directory and makes it anew, is read at the next call.
func TestRootsSeeADeploy(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	jobs := filepath.Join(base, "jobs")
	release := func(name, src string) string {
		dir := filepath.Join(base, name)
		must(t, os.Mkdir(dir, 0o700))
		must(t, os.WriteFile(filepath.Join(dir, "x.lua"), []byte(src), 0o600))
		return dir
	}
	switchTo := func(dir string) {
		tmp := filepath.Join(base, "next")
		must(t, os.Symlink(dir, tmp))
		must(t, os.Rename(tmp, jobs)) // atomic, as deploy tools do it
	}
	var roots Roots
	defer roots.Close()
	s := Spec{Name: "jobs/x.lua", Path: filepath.Join(jobs, "x.lua"), Root: jobs, Max: 64, MaxKey: "max_lua_file"}
	read := func(want string) {
		t.Helper()
		b, _, err := roots.Read(s)
		if err != nil || string(b) != want {
			t.Fatalf("read %q (%v), want %q", b, err, want)
		}
	}

	switchTo(release("v1", "return 1"))
	read("return 1")
	read("return 1")
	switchTo(release("v2", "return 2"))
	read("return 2")

	// Removed and made anew in place.
	must(t, os.Remove(jobs))
	must(t, os.Mkdir(jobs, 0o700))
	must(t, os.WriteFile(filepath.Join(jobs, "x.lua"), []byte("return 3"), 0o600))
	read("return 3")

	// Gone: the error names the directory, as Open's does.
	must(t, os.RemoveAll(jobs))
	if _, _, err := roots.Read(s); err == nil {
		t.Fatal("read a job file whose directory is gone")
	}
}

// TestReadOpenChangedSinceStat: a file that shrank or grew between its
// status and its read is read as it is, and one that grew past the cap is
// refused.
func TestReadOpenChangedSinceStat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, before, after, want string
	}{
		{"same", "return 1", "return 1", "return 1"},
		{"empty", "", "", ""},
		{"shrank", "return 100", "return 1", "return 1"},
		{"grew", "return 1", "return 100", "return 100"},
		{"grew past the cap", "return 1", "return 1000000000000", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "x.lua")
			must(t, os.WriteFile(path, []byte(tc.before), 0o600))
			s := Spec{Name: "x.lua", Path: path, Max: 16, MaxKey: "max_lua_file"}
			f, st, err := Open(s)
			must(t, err)
			defer f.Close()
			must(t, os.WriteFile(path, []byte(tc.after), 0o600))
			b, err := ReadOpen(s, f, st)
			if tc.want == "" && len(tc.after) > 16 {
				if err == nil {
					t.Fatalf("read %q past the cap of 16 bytes", b)
				}
				return
			}
			if err != nil || string(b) != tc.want {
				t.Fatalf("read %q (%v), want %q", b, err, tc.want)
			}
		})
	}
}
