package jobedit_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/jobedit"
	"github.com/jobbox/jobbox/host/sandbox/sandboxtest"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/service"
)

// TestServiceTakesEdits runs a real service on a config with a drop-in
// directory: a job created in a new drop-in file runs after a reload, from
// the template; its code, saved, is what its next run runs, with no
// reload.
func TestServiceTakesEdits(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a service, which compiles the Lua guest into a fresh cache")
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/site")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.toml")
	reports := make(chan sched.Report, 64)
	ctx := context.Background()
	svc, err := service.Start(ctx, path, service.Options{OnReport: func(r sched.Report) {
		if r.Job == "fresh" {
			reports <- r
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(ctx)
	e, err := jobedit.New(path, sandboxtest.NewEngine(t, sandboxtest.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Create("conf.d/fresh.toml", jobedit.Fields{"name": "fresh", "file": "jobs/fresh.lua", "interval": 1}, ""); err != nil {
		t.Fatal(err)
	}
	if err := svc.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	next := func() sched.Report {
		t.Helper()
		select {
		case r := <-reports:
			return r
		case <-time.After(time.Minute): // a hang guard only
			t.Fatal("job fresh did not run")
		}
		return sched.Report{}
	}
	if r := next(); r.Outcome.Status != abi.StatusOK {
		t.Fatalf("the template's run: %v %s", r.Outcome.Status, r.Outcome.Error)
	}
	code, err := e.Code("fresh")
	if err != nil {
		t.Fatal(err)
	}
	src := "local job = core.job()\n\nfunction job.run()\n  return job.STOP\nend\n\nreturn job\n"
	if _, err := e.SaveCode(ctx, "fresh", []byte(src), code.ETag); err != nil {
		t.Fatal(err)
	}
	// A run in flight at the save may end OK; the one after it stops.
	for i := 0; ; i++ {
		r := next()
		if r.Outcome.Status == abi.StatusStop {
			break
		}
		if r.Outcome.Status != abi.StatusOK || i > 0 {
			t.Fatalf("run %d after the save: %v %s, not STOP", i+1, r.Outcome.Status, r.Outcome.Error)
		}
	}
}
