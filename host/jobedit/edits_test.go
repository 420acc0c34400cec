package jobedit

import (
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/host/config"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// site copies testdata/site, a config full of comments with a drop-in
// directory and job files, to a fresh directory, and returns an editor of
// it and the directory.
func site(t *testing.T) (*Editor, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/site")); err != nil {
		t.Fatal(err)
	}
	e, err := New(filepath.Join(dir, "config.toml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return e, dir
}

// golden compares the file at path with testdata/golden/name.
func golden(t *testing.T, path, name string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("testdata", "golden", name)
	if *update {
		_ = os.MkdirAll(filepath.Dir(file), 0o755)
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from %s:\n--- got\n%s--- want\n%s", path, file, got, want)
	}
}

// fieldsOf decodes a JSON object as the API hands one over.
func fieldsOf(t *testing.T, js string) Fields {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(js))
	dec.UseNumber()
	var f Fields
	if err := dec.Decode(&f); err != nil {
		t.Fatal(err)
	}
	return f
}

// reread checks that the config as written loads and validates, and that
// the job reads back as want (nil: that it is gone).
func reread(t *testing.T, e *Editor, name string, want Fields) {
	t.Helper()
	if _, err := config.Load(e.path); err != nil {
		t.Fatalf("the edited config does not load: %v", err)
	}
	j, err := e.Job(name)
	if want == nil {
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("job %s is still there: %+v, %v", name, j, err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(j.Fields, want) {
		t.Fatalf("job %s reads back as\n%#v\nnot\n%#v", name, j.Fields, want)
	}
}

func TestRoundTrips(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		edit func(e *Editor) (Result, error)
		job  string
		want Fields // nil: deleted
		file string // the file the edit writes
	}{
		{"update-beta", func(e *Editor) (Result, error) {
			j, _ := e.Job("beta")
			return e.Update("beta", fieldsOf(t, `{"file":"jobs/beta.lua","interval":"90s","run_once":true,
				"limits":{"memory":"16MiB","timeout":5}}`), j.ETag)
		}, "beta", Fields{"name": "beta", "file": "jobs/beta.lua", "interval": "90s", "run_once": true,
			"limits": map[string]any{"memory": "16MiB", "timeout": int64(5)}}, "config.toml"},
		{"update-beta-drop", func(e *Editor) (Result, error) {
			return e.Update("beta", fieldsOf(t, `{"file":"jobs/beta.lua","interval":"1m"}`), "*")
		}, "beta", Fields{"name": "beta", "file": "jobs/beta.lua", "interval": "1m"}, "config.toml"},
		{"update-alpha-add", func(e *Editor) (Result, error) {
			return e.Update("alpha", fieldsOf(t, `{"file":"jobs/alpha.lua","interval":10,"run_once":true,"grants":{"data":["x"]}}`), "*")
		}, "alpha", Fields{"name": "alpha", "file": "jobs/alpha.lua", "interval": int64(10), "run_once": true,
			"grants": map[string]any{"data": []any{"x"}}}, "config.toml"},
		{"update-gamma", func(e *Editor) (Result, error) {
			j, _ := e.Job("gamma")
			f := j.Fields
			f["active"] = true
			return e.Update("gamma", f, j.ETag)
		}, "gamma", Fields{"name": "gamma", "file": "jobs/gamma.lua", "interval": int64(30), "active": true}, "config.toml"},
		{"delete-alpha", func(e *Editor) (Result, error) {
			j, _ := e.Job("alpha")
			return e.Delete("alpha", j.ETag)
		}, "alpha", nil, "config.toml"},
		{"delete-beta", func(e *Editor) (Result, error) { return e.Delete("beta", "*") }, "beta", nil, "config.toml"},
		{"delete-gamma", func(e *Editor) (Result, error) { return e.Delete("gamma", "*") }, "gamma", nil, "config.toml"},
		{"delete-delta", func(e *Editor) (Result, error) { return e.Delete("delta", "*") }, "delta", nil, "conf.d/one.toml"},
		{"create-main", func(e *Editor) (Result, error) {
			return e.Create("", fieldsOf(t, `{"name":"epsilon","file":"jobs/alpha.lua","interval":45,"grants":{"data":["x"]}}`), "")
		}, "epsilon", Fields{"name": "epsilon", "file": "jobs/alpha.lua", "interval": int64(45), "grants": map[string]any{"data": []any{"x"}}}, "config.toml"},
		{"create-dropin", func(e *Editor) (Result, error) {
			j, _ := e.Job("delta")
			return e.Create("conf.d/one.toml", fieldsOf(t, `{"name":"zeta","file":"jobs/delta.lua","interval":"2m"}`), j.ETag)
		}, "zeta", Fields{"name": "zeta", "file": "jobs/delta.lua", "interval": "2m"}, "conf.d/one.toml"},
		{"create-new-file", func(e *Editor) (Result, error) {
			return e.Create("conf.d/two.toml", fieldsOf(t, `{"name":"eta","file":"jobs/eta.lua","interval":"1h"}`), "")
		}, "eta", Fields{"name": "eta", "file": "jobs/eta.lua", "interval": "1h"}, "conf.d/two.toml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, dir := site(t)
			res, err := tc.edit(e)
			if err != nil {
				t.Fatal(err)
			}
			if res.ConfigFile != filepath.Join(dir, tc.file) {
				t.Fatalf("wrote %s, not %s", res.ConfigFile, tc.file)
			}
			golden(t, res.ConfigFile, tc.name+".toml")
			reread(t, e, tc.job, tc.want)
			// Every other file is as it was.
			_ = fs.WalkDir(os.DirFS("testdata/site"), ".", func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || p == tc.file {
					return err
				}
				a, _ := os.ReadFile(filepath.Join("testdata/site", p))
				b, _ := os.ReadFile(filepath.Join(dir, p))
				if string(a) != string(b) {
					t.Errorf("%s changed", p)
				}
				return nil
			})
			if tc.want != nil && !reflect.DeepEqual(res.After, tc.want) {
				t.Errorf("After is %#v", res.After)
			}
			if before, err := (&Editor{path: filepath.Join("testdata/site/config.toml")}).Job(tc.job); err == nil && !reflect.DeepEqual(res.Before, before.Fields) {
				t.Errorf("Before is %#v, not %#v", res.Before, before.Fields)
			}
			if got, _ := os.ReadFile(res.ConfigFile); ETag(got) != res.ETag {
				t.Errorf("the result's ETag is not the file's")
			}
		})
	}
}
