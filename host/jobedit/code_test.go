package jobedit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/sandbox"
	"github.com/jobbox/jobbox/host/sandbox/sandboxtest"
)

// codeSite is site with an editor that checks code with engine, or a new
// engine when nil.
func codeSite(t *testing.T, engine *sandbox.Engine) (*Editor, string, *sandbox.Engine) {
	t.Helper()
	_, dir := site(t)
	if engine == nil {
		engine = sandboxtest.NewEngine(t, sandboxtest.Options{})
	}
	e, err := New(filepath.Join(dir, "config.toml"), engine)
	if err != nil {
		t.Fatal(err)
	}
	return e, dir, engine
}

const stopJob = "local job = core.job()\n\nfunction job.run()\n  return job.STOP\nend\n\nreturn job\n"

// TestSavedCodeRunsNext: valid code saved is what the next run runs, with
// no reload: the engine reads a Lua job file at each run, and the compiled
// chunks a snapshot holds are found by the file's name and whole source.
func TestSavedCodeRunsNext(t *testing.T) {
	t.Parallel()
	e, dir, engine := codeSite(t, nil)
	ctx := context.Background()
	cfg, err := config.Load(filepath.Join(dir, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var job sandbox.Job
	for _, j := range cfg.Jobs {
		if j.Name == "alpha" {
			job = sandbox.Job{Name: j.Name, File: j.File, Path: j.Path, Root: j.Root}
		}
	}
	for range 3 {
		if out := engine.Run(ctx, job); out.Status != abi.StatusOK {
			t.Fatalf("before the save: %v %s", out.Status, out.Error)
		}
	}
	code, err := e.Code("alpha")
	if err != nil {
		t.Fatal(err)
	}
	saved, err := e.SaveCode(ctx, "alpha", []byte(stopJob), code.ETag)
	if err != nil {
		t.Fatal(err)
	}
	if saved.ETag == code.ETag || saved.ETag != ETag([]byte(stopJob)) {
		t.Fatalf("ETag %s after the save, %s before", saved.ETag, code.ETag)
	}
	if out := engine.Run(ctx, job); out.Status != abi.StatusStop {
		t.Fatalf("the run after the save: %v %s, want STOP", out.Status, out.Error)
	}
	if _, err := e.SaveCode(ctx, "alpha", []byte(stopJob), code.ETag); !errors.Is(err, ErrConflict) {
		t.Fatalf("a save with a stale ETag: %v", err)
	}
}

// TestCodeRefused: code `jobbox check` refuses, and files out of the job
// directories, are refused with a clear error and nothing is written.
func TestCodeRefused(t *testing.T) {
	t.Parallel()
	engine := sandboxtest.NewEngine(t, sandboxtest.Options{})
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) // before the editor reads
		job   string
		src   string
		msg   string
		pos   string // "line:col" of the first problem, for an *InvalidError
	}{
		{"syntax error", nil, "alpha", "local job = core.job()\n\nfunction job.run(\n  return job.OK\nend\n\nreturn job\n",
			"", "4:8"},
		{"misuse of job", nil, "alpha", "local job = core.job()\n\nfunction job.run()\n  return job.OK\nend\n", "", "5:1"},
		{"dotdot", func(t *testing.T, dir string) {
			addJob(t, dir, "out", "jobs/../outside.lua")
		}, "out", stopJob, "outside the job directories", ""},
		{"absolute outside", func(t *testing.T, dir string) {
			addJob(t, dir, "abs", filepath.Join(dir, "outside.lua"))
		}, "abs", stopJob, "outside the job directories", ""},
		{"symlink out", func(t *testing.T, dir string) {
			if err := os.Symlink("../outside.lua", filepath.Join(dir, "jobs/link.lua")); err != nil {
				t.Fatal(err)
			}
			addJob(t, dir, "link", "jobs/link.lua")
		}, "link", stopJob, "symbolic link", ""},
		{"symlinked directory out", func(t *testing.T, dir string) {
			if err := os.Symlink("..", filepath.Join(dir, "jobs/up")); err != nil {
				t.Fatal(err)
			}
			addJob(t, dir, "up", "jobs/up/outside.lua")
		}, "up", stopJob, "leads out of", ""},
		{"compiled guest", func(t *testing.T, dir string) {
			addJob(t, dir, "wasm", "jobs/x.wasm")
		}, "wasm", stopJob, "compiled guest", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e, dir, _ := codeSite(t, engine)
			outside := filepath.Join(dir, "outside.lua")
			if err := os.WriteFile(outside, []byte("-- outside\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			before := snapshotDir(t, dir)
			_, err := e.SaveCode(context.Background(), tc.job, []byte(tc.src), "*")
			t.Log(err)
			if err == nil {
				t.Fatal("saved")
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
			if tc.pos != "" {
				var inv *InvalidError
				if !errors.As(err, &inv) || !strings.Contains(inv.Problems[0].String(), "jobs/alpha.lua:"+tc.pos+":") {
					t.Errorf("error %v gives no position %s", err, tc.pos)
				}
			}
			if _, err := e.Code(tc.job); err == nil && tc.pos == "" {
				t.Errorf("Code read job %s", tc.job)
			}
			if after := snapshotDir(t, dir); after != before {
				t.Errorf("files changed:\n--- before\n%s--- after\n%s", before, after)
			}
		})
	}
}

// addJob appends a job to dir's config, as a hand edit would.
func addJob(t *testing.T, dir, name, file string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, "config.toml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("\n[[jobs]]\nname = \"" + name + "\"\nfile = " + quote(file) + "\ninterval = 5\n"); err != nil {
		t.Fatal(err)
	}
}

// snapshotDir lists every file under dir with its contents.
func snapshotDir(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			data, _ := os.ReadFile(p)
			b.WriteString(p + ": " + string(data) + "\n")
		}
		return nil
	})
	return b.String()
}
