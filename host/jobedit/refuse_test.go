package jobedit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// unchanged fails t if any file of dir differs from testdata/site, or if
// files were added (but those in extra).
func unchanged(t *testing.T, dir string, extra ...string) {
	t.Helper()
	want := map[string]bool{}
	_ = filepath.WalkDir("testdata/site", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel("testdata/site", p)
			want[rel] = true
			a, _ := os.ReadFile(p)
			if b, err := os.ReadFile(filepath.Join(dir, rel)); err != nil || string(a) != string(b) {
				t.Errorf("%s changed (%v)", rel, err)
			}
		}
		return nil
	})
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		if err == nil && !d.IsDir() && !want[rel] && !contains(extra, rel) {
			t.Errorf("%s was written", rel)
		}
		return nil
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestHandEditConflicts: a file changed since it was read is not
// overwritten; the edit gets a conflict with the file's ETag now.
func TestHandEditConflicts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		edit func(e *Editor, etag string) error
		file string
	}{
		{"update", func(e *Editor, etag string) error {
			_, err := e.Update("beta", Fields{"file": "jobs/beta.lua", "interval": 5}, etag)
			return err
		}, "config.toml"},
		{"delete", func(e *Editor, etag string) error { _, err := e.Delete("alpha", etag); return err }, "config.toml"},
		{"create", func(e *Editor, etag string) error {
			_, err := e.Create("conf.d/one.toml", Fields{"name": "new", "file": "jobs/alpha.lua", "interval": 5}, etag)
			return err
		}, "conf.d/one.toml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, dir := site(t)
			path := filepath.Join(dir, tc.file)
			before, _ := os.ReadFile(path)
			hand := append(before, "# a hand edit\n"...)
			if err := os.WriteFile(path, hand, 0o644); err != nil {
				t.Fatal(err)
			}
			err := tc.edit(e, ETag(before))
			var ce *ConflictError
			if !errors.Is(err, ErrConflict) || !errors.As(err, &ce) || ce.ETag != ETag(hand) {
				t.Fatalf("got %v, want a conflict giving the new ETag", err)
			}
			if now, _ := os.ReadFile(path); string(now) != string(hand) {
				t.Fatal("the hand edit was overwritten")
			}
		})
	}
}

// TestConflictAtRename: a hand edit that lands between the read and the
// rename is caught by commit too.
func TestConflictAtRename(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "f.toml")
	if err := os.WriteFile(path, []byte("a = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	st, err := stage(root, "f.toml", []byte("a = 2\n"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("a = 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := st.commit([]byte("a = 1\n"), "f.toml"); !errors.Is(err, ErrConflict) {
		t.Fatalf("got %v, want a conflict", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "a = 3\n" {
		t.Fatalf("file holds %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("the temporary file was left: %v", entries)
	}
	// And without the hand edit, the new bytes land, with the file's mode.
	st, _ = stage(root, "f.toml", []byte("a = 4\n"), 0o644)
	if err := st.commit([]byte("a = 3\n"), "f.toml"); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want the file's 0600", fi.Mode().Perm())
	}
}

// TestRefused: edits the config check refuses, or that reach out of the
// job directories, write nothing, and say where the problem is.
func TestRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		edit   func(e *Editor) error
		target error  // errors.Is
		field  string // the field of the first problem, for an *InvalidError
		msg    string
	}{
		{"bad interval", func(e *Editor) error {
			_, err := e.Update("beta", Fields{"file": "jobs/beta.lua", "interval": "soon"}, "*")
			return err
		}, nil, "interval", `interval "soon" is not a duration`},
		{"unknown key", func(e *Editor) error {
			_, err := e.Update("beta", Fields{"file": "jobs/beta.lua", "interval": 5, "colour": "red"}, "*")
			return err
		}, nil, "colour", `unknown key "jobs.colour"`},
		{"bad limit", func(e *Editor) error {
			_, err := e.Update("beta", Fields{"file": "jobs/beta.lua", "interval": 5, "limits": map[string]any{"memory": "lots"}}, "*")
			return err
		}, nil, "limits.memory", "memory"},
		{"duplicate name", func(e *Editor) error {
			_, err := e.Create("conf.d/two.toml", Fields{"name": "alpha", "file": "jobs/alpha.lua", "interval": 5}, "")
			return err
		}, nil, "name", "used twice"},
		{"dotdot file", func(e *Editor) error {
			_, err := e.Create("", Fields{"name": "x", "file": "jobs/../../x.lua", "interval": 5}, "")
			return err
		}, nil, "file", `climbs out with ".."`},
		{"absolute file", func(e *Editor) error {
			_, err := e.Create("", Fields{"name": "x", "file": "/etc/x.lua", "interval": 5}, "")
			return err
		}, nil, "file", "absolute path"},
		{"file outside job_dirs", func(e *Editor) error {
			_, err := e.Create("", Fields{"name": "x", "file": "x.lua", "interval": 5}, "")
			return err
		}, nil, "file", "outside the directories"},
		{"null value", func(e *Editor) error {
			_, err := e.Create("", Fields{"name": "x", "file": "jobs/alpha.lua", "interval": 5, "grants": map[string]any{"data": []any{nil}}}, "")
			return err
		}, nil, "grants.data", "no value"},
		{"target not included", func(e *Editor) error {
			_, err := e.Create("other.toml", Fields{"name": "x", "file": "jobs/alpha.lua", "interval": 5}, "")
			return err
		}, ErrNotEditable, "", "include patterns"},
		{"target climbs", func(e *Editor) error {
			_, err := e.Create("conf.d/../../x.toml", Fields{"name": "x", "file": "jobs/alpha.lua", "interval": 5}, "")
			return err
		}, ErrNotEditable, "", `without ".."`},
		{"no etag", func(e *Editor) error { _, err := e.Delete("alpha", ""); return err }, ErrETagRequired, "", "ETag"},
		{"no such job", func(e *Editor) error { _, err := e.Delete("nope", "*"); return err }, ErrNotFound, "", `"nope"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, dir := site(t)
			err := tc.edit(e)
			if err == nil {
				t.Fatal("accepted")
			}
			t.Log(err)
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
			if tc.target != nil && !errors.Is(err, tc.target) {
				t.Errorf("error %v is not %v", err, tc.target)
			}
			var inv *InvalidError
			if tc.target == nil {
				if !errors.As(err, &inv) {
					t.Fatalf("error %v is not an *InvalidError", err)
				}
				if inv.Problems[0].Field != tc.field {
					t.Errorf("problem %+v is not about field %q", inv.Problems[0], tc.field)
				}
			}
			unchanged(t, dir)
		})
	}
}

// TestCreateSeedsTemplate: a new job's Lua file starts from the job
// template; when the edit fails, the file made for it goes again.
func TestCreateSeedsTemplate(t *testing.T) {
	t.Parallel()
	seed, err := os.ReadFile("../../jobs/template.lua")
	if err != nil {
		t.Fatal(err)
	}
	if string(seed) != string(Template()) {
		t.Fatal("template.lua differs from the seed's jobs/template.lua: copy it again")
	}
	e, dir := site(t)
	res, err := e.Create("", Fields{"name": "fresh", "file": "jobs/new/fresh.lua", "interval": 5}, "")
	t.Log(err)
	if err == nil || !strings.Contains(err.Error(), "fresh.lua") {
		t.Fatalf("a job file in a missing directory: %v", err)
	}
	unchanged(t, dir)
	res, err = e.Create("", Fields{"name": "fresh", "file": "jobs/fresh.lua", "interval": 5}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "jobs/fresh.lua")); string(got) != string(seed) || res.CreatedFile == "" {
		t.Fatalf("created %q, holding %q", res.CreatedFile, got)
	}
	_, err = e.Create("", Fields{"name": "fresh2", "file": "jobs/fresh2.lua", "interval": "never"}, "")
	if err == nil {
		t.Fatal("accepted a bad interval")
	}
	if _, err := os.Stat(filepath.Join(dir, "jobs/fresh2.lua")); err == nil {
		t.Fatal("the template file of a refused job was left")
	}
}

// TestSymlinkedConfig: editing a config file that is a symlink replaces
// the file it leads to and keeps the link.
func TestSymlinkedConfig(t *testing.T) {
	t.Parallel()
	e, dir := site(t)
	real := filepath.Join(dir, "conf.d", "real.toml.d")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	one := filepath.Join(dir, "conf.d", "one.toml")
	if err := os.Rename(one, filepath.Join(real, "one.toml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.toml.d/one.toml", one); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Update("delta", Fields{"file": "jobs/delta.lua", "interval": 9}, "*"); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(one); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", st, err)
	}
	if b, _ := os.ReadFile(filepath.Join(real, "one.toml")); !strings.Contains(string(b), "interval = 9") {
		t.Fatalf("the linked file holds %q", b)
	}
}

func TestStatusOf(t *testing.T) {
	t.Parallel()
	for err, want := range map[error]int{
		nil:                                  200,
		fmt.Errorf("job x: %w", ErrNotFound): 404,
		&ConflictError{File: "f"}:            409,
		ErrETagRequired:                      428,
		&InvalidError{}:                      422,
		fmt.Errorf("x: %w", ErrNotEditable):  400,
		errors.New("disk full"):              500,
	} {
		if got := StatusOf(err); got != want {
			t.Errorf("StatusOf(%v) = %d, want %d", err, got, want)
		}
	}
}

// TestUpdateSeedsNewFile: pointing a job at a new Lua file creates it from
// the template; the old file stays.
func TestUpdateSeedsNewFile(t *testing.T) {
	t.Parallel()
	e, dir := site(t)
	res, err := e.Update("gamma", Fields{"file": "jobs/gamma2.lua", "interval": 30}, "*")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "jobs/gamma2.lua")); string(got) != string(Template()) || res.CreatedFile == "" {
		t.Fatalf("created %q holding %q", res.CreatedFile, got)
	}
	if _, err := os.Stat(filepath.Join(dir, "jobs/gamma.lua")); err != nil {
		t.Fatal(err)
	}
}
