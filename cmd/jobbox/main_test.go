package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/host/sandbox/sandboxtest"
	"github.com/jobbox/jobbox/host/service"
)

func jobbox(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// seededDir returns a fresh directory whose state directory holds a
// compilation cache seeded with the Lua runtime, so no test compiles it.
func seededDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	sandboxtest.SeedCache(t, filepath.Join(dir, "state", service.CacheDir))
	return dir
}

// writeConfig writes dir/config.toml and returns its path.
func writeConfig(t *testing.T, dir, content string) string {
	t.Helper()
	cfg := filepath.Join(dir, "config.toml")
	write(t, cfg, content)
	return cfg
}

// okJobConfig writes ok.lua and a config.toml that runs it as job "a"
// every interval seconds, and returns the config's path.
func okJobConfig(t *testing.T, dir string, interval int) string {
	t.Helper()
	write(t, filepath.Join(dir, "ok.lua"), okJob)
	return writeConfig(t, dir, fmt.Sprintf("[[jobs]]\nname = \"a\"\nfile = \"ok.lua\"\ninterval = %d\n", interval))
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const okJob = "local job = core.job()\nfunction job.run() core.log('hi', {n = 1}) return job.OK end\nreturn job\n"

func TestRunJSON(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	write(t, filepath.Join(dir, "ok.lua"), okJob)
	write(t, filepath.Join(dir, "bad.lua"), "local job = core.job()\nfunction job.run() return 42 end\nreturn job\n")
	cfg := filepath.Join(dir, "none.toml")

	code, out, _ := jobbox(t, "run", filepath.Join(dir, "ok.lua"), "--json", "--config", cfg)
	var res runJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 || res.Status != "OK" || res.Error != "" || len(res.Logs) != 1 || res.Logs[0] != "hi {n = 1}" || res.DurationMS <= 0 {
		t.Fatalf("ok.lua: code %d, %q (%v)", code, out, err)
	}
	code, out, _ = jobbox(t, "run", "--json", filepath.Join(dir, "bad.lua"), "--config", cfg)
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 1 || res.Status != "ERROR" || !strings.Contains(res.Error, "returned number 42") {
		t.Fatalf("bad.lua: code %d, %q", code, out)
	}
	code, _, errOut := jobbox(t, "run")
	if code != 1 || !strings.Contains(errOut, "name one job file") {
		t.Fatalf("run without a file: %d %q", code, errOut)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	write(t, filepath.Join(dir, "ok.lua"), okJob)
	write(t, filepath.Join(dir, "done.lua"), "local job = core.job()\nfunction job.run()\n  return job.DONE\nend\nreturn job\n")
	write(t, filepath.Join(dir, "config.toml"), "[[jobs]]\nname = \"ok\"\nfile = \"ok.lua\"\ninterval = 60\n\n[[jobs]]\nname = \"ok\"\nfile = \"done.lua\"\ninterval = \"often\"\n")

	if code, out, _ := jobbox(t, "check", "--config", filepath.Join(dir, "nope.toml"), filepath.Join(dir, "ok.lua")); code != 0 || out != "" {
		t.Fatalf("clean file: %d %q", code, out)
	}
	code, out, _ := jobbox(t, "check", "--config", filepath.Join(dir, "nope.toml"), filepath.Join(dir, "done.lua"))
	want := filepath.Join(dir, "done.lua") + ":3:10: job.DONE is not defined"
	if code != 1 || !strings.HasPrefix(out, want) {
		t.Fatalf("done.lua: %d %q, want %q", code, out, want)
	}
	code, out, _ = jobbox(t, "check", "--config", filepath.Join(dir, "config.toml"))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || len(lines) != 2 || !strings.Contains(lines[0], "config.toml:7:1: job name \"ok\" is used twice") || !strings.Contains(lines[1], "config.toml:9:1:") {
		t.Fatalf("config: %d %q", code, out)
	}
}

// TestAdminCommands drives a running service through the admin socket:
// jobs, reload (refused when the config is broken), deactivate, activate.
func TestAdminCommands(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	write(t, filepath.Join(dir, "ok.lua"), okJob)
	cfg := filepath.Join(dir, "config.toml")
	good := "[[jobs]]\nname = \"a\"\nfile = \"ok.lua\"\ninterval = 3600\n"
	write(t, cfg, good)
	svc, err := service.Start(context.Background(), cfg, service.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(context.Background())

	if st, err := os.Stat(filepath.Join(dir, "state", service.SocketFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("admin socket: %v %v", st, err)
	}
	code, out, errOut := jobbox(t, "jobs", "--json", "--config", cfg)
	var jobs []map[string]any
	if err := json.Unmarshal([]byte(out), &jobs); err != nil || code != 0 || len(jobs) != 1 {
		t.Fatalf("jobs: %d %q %q", code, out, errOut)
	}
	for _, key := range []string{"name", "file", "interval_s", "run_once", "state", "last_status", "last_error", "last_run", "next_run", "runs"} {
		if _, ok := jobs[0][key]; !ok {
			t.Errorf("jobs --json lacks %q: %v", key, jobs[0])
		}
	}
	if jobs[0]["state"] != "waiting" || jobs[0]["interval_s"] != 3600.0 {
		t.Fatalf("job: %v", jobs[0])
	}

	write(t, cfg, good+"\n[[jobs]]\nname = \"b\"\nfile = \"missing.lua\"\ninterval = 60\n")
	code, _, errOut = jobbox(t, "reload", "--config", cfg)
	if code != 1 || !strings.Contains(errOut, "config.toml:8:1: job \"b\": cannot read job file missing.lua") {
		t.Fatalf("broken reload: %d %q", code, errOut)
	}
	if n := len(svc.Scheduler().Jobs()); n != 1 {
		t.Fatalf("a refused reload changed the jobs: %d", n)
	}
	write(t, cfg, good+"\n[[jobs]]\nname = \"b\"\nfile = \"ok.lua\"\ninterval = 60\n")
	if code, out, errOut := jobbox(t, "reload", "--config", cfg); code != 0 || !strings.Contains(out, "2 jobs") {
		t.Fatalf("reload: %d %q %q", code, out, errOut)
	}

	if code, _, errOut := jobbox(t, "deactivate", "b", "--config", cfg); code != 0 {
		t.Fatalf("deactivate: %q", errOut)
	}
	code, out, _ = jobbox(t, "jobs", "--config", cfg)
	if code != 0 || !strings.Contains(out, "deactivated") || !strings.Contains(out, "service running, 2 jobs") {
		t.Fatalf("jobs after deactivate: %q", out)
	}
	if code, out, _ := jobbox(t, "activate", "b", "--config", cfg); code != 0 || !strings.Contains(out, "after the next reload") {
		t.Fatalf("activate: %q", out)
	}
	if code, _, errOut := jobbox(t, "activate", "nope", "--config", cfg); code != 1 || !strings.Contains(errOut, `no job named "nope"`) {
		t.Fatalf("activate unknown: %q", errOut)
	}
}

func TestNoService(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	cfg := writeConfig(t, dir, "")
	code, _, errOut := jobbox(t, "jobs", "--config", cfg)
	if code != 1 || !strings.Contains(errOut, "is `jobbox serve` running") {
		t.Fatalf("%d %q", code, errOut)
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	if code, _, errOut := jobbox(t, "frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("%d %q", code, errOut)
	}
}
