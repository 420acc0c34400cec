package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/service"
)

// TestEscapesWhatJobsWrite runs a job whose error and logs hold terminal
// escape sequences: jobs, history and run print them escaped.
func TestEscapesWhatJobsWrite(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	evil := "local job = core.job()\nfunction job.run() core.log('log\\27[2J') error('boom\\27[2J\\27]0;owned\\7') end\nreturn job\n"
	write(t, filepath.Join(dir, "evil.lua"), evil)
	cfg := filepath.Join(dir, "config.toml")
	// Its first run comes one interval after the start: 1s.
	write(t, cfg, "[[jobs]]\nname = \"evil\"\nfile = \"evil.lua\"\ninterval = 1\n")
	done := make(chan sched.Report, 1)
	report := func(r sched.Report) {
		select {
		case done <- r:
		default:
		}
	}
	svc, err := service.Start(context.Background(), cfg, service.Options{OnReport: report})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(context.Background())
	if r := <-done; !strings.Contains(r.Outcome.Error, "\x1b[2J") {
		t.Fatalf("the job's error: %q", r.Outcome.Error)
	}
	for _, args := range [][]string{
		{"jobs", "--config", cfg},
		{"history", "evil", "--config", cfg},
		{"run", filepath.Join(dir, "evil.lua"), "--config", filepath.Join(dir, "none.toml")},
	} {
		_, out, errOut := jobbox(t, args...)
		if strings.ContainsAny(out+errOut, "\x1b\a") {
			t.Errorf("jobbox %s printed a control character: %q %q", args[0], out, errOut)
		}
		if !strings.Contains(out, `boom\x1b[2J`) {
			t.Errorf("jobbox %s: the escaped error is missing: %q %q", args[0], out, errOut)
		}
	}
}

// TestStoreCommands backs the store up while the service runs, checks it,
// damages it, sees the service refuse it, and restores the backup.
func TestStoreCommands(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	cfg := okJobConfig(t, dir, 3600)
	svc, err := service.Start(context.Background(), cfg, service.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := jobbox(t, "deactivate", "a", "--config", cfg); code != 0 {
		t.Fatalf("deactivate: %q", errOut)
	}
	backup := filepath.Join(dir, "backup.db")
	if code, out, errOut := jobbox(t, "store", "backup", backup, "--config", cfg); code != 0 || !strings.Contains(out, "backed up") {
		t.Fatalf("backup while running: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := jobbox(t, "store", "backup", backup, "--config", cfg); code != 1 || !strings.Contains(errOut, "--force") {
		t.Fatalf("backup over a file: %d %q", code, errOut)
	}
	if code, out, errOut := jobbox(t, "store", "check", "--config", cfg); code != 0 || !strings.Contains(out, "consistent") {
		t.Fatalf("check while running: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := jobbox(t, "store", "restore", backup, "--config", cfg); code != 1 || !strings.Contains(errOut, "stop it") {
		t.Fatalf("restore while running: %d %q", code, errOut)
	}
	svc.Stop(context.Background())

	path := filepath.Join(dir, "state", service.StoreFile)
	st, _ := os.Stat(path)
	if err := os.Truncate(path, st.Size()/2); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := jobbox(t, "store", "check", "--config", cfg); code != 1 || !strings.Contains(out, "damaged") || !strings.Contains(out, "jobbox store restore") {
		t.Fatalf("check of a damaged store: %d %q", code, out)
	}
	if _, err := service.Start(context.Background(), cfg, service.Options{}); err == nil || !strings.Contains(err.Error(), "jobbox store restore") {
		t.Fatalf("start on a damaged store: %v", err)
	}
	if code, out, errOut := jobbox(t, "store", "restore", backup, "--config", cfg); code != 0 || !strings.Contains(out, "kept as") {
		t.Fatalf("restore: %d %q %q", code, out, errOut)
	}
	svc, err = service.Start(context.Background(), cfg, service.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(context.Background())
	if jobs := svc.Scheduler().Jobs(); len(jobs) != 1 || jobs[0].State != "deactivated" {
		t.Fatalf("after restore: %+v", jobs)
	}
}

func TestServeNewStore(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	cfg := writeConfig(t, dir, "")
	svc, err := service.Start(context.Background(), cfg, service.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc.Stop(context.Background())
	if err := os.Remove(filepath.Join(dir, "state", service.StoreFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := service.Start(context.Background(), cfg, service.Options{}); err == nil || !strings.Contains(err.Error(), "--new-store") {
		t.Fatalf("start without the store: %v", err)
	}
	svc, err = service.Start(context.Background(), cfg, service.Options{NewStore: true})
	if err != nil {
		t.Fatal(err)
	}
	svc.Stop(context.Background())
}

// TestCheckAndRunRefuseAnOpenCache: check and run use the compilation
// cache in the state directory, so they refuse one others may write.
func TestCheckAndRunRefuseAnOpenCache(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	cfg := okJobConfig(t, dir, 60)
	cache := filepath.Join(dir, "state", service.CacheDir)
	if err := os.MkdirAll(cache, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(cache, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"check", "--config", cfg}, {"run", filepath.Join(dir, "ok.lua"), "--config", cfg}} {
		code, out, errOut := jobbox(t, args...)
		if code != 1 || !strings.Contains(errOut, "chmod go-w "+cache) {
			t.Errorf("jobbox %s with an open cache: %d %q %q", args[0], code, out, errOut)
		}
	}
}
