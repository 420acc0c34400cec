//go:build unix

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/service"
)

const secretText = "API_TOKEN=s3cr3t-do-not-show"

// badFiles makes, in dir, one job file of each kind jobbox must refuse
// without blocking or reading it, and returns the message each gets.
func badFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	secret := filepath.Join(t.TempDir(), "shadow")
	write(t, secret, secretText)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(syscall.Mkfifo(filepath.Join(dir, "fifo.lua"), 0o600))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo.wasm"), 0o600))
	must(os.Symlink("/dev/zero", filepath.Join(dir, "zero.lua")))
	must(os.Symlink(secret, filepath.Join(dir, "secret.lua")))
	sparse(t, filepath.Join(dir, "big.lua"), 1<<20+1)
	sparse(t, filepath.Join(dir, "sparse.wasm"), 1<<40)
	return map[string]string{
		"fifo.lua":    "is a named pipe (FIFO), not a regular file",
		"fifo.wasm":   "is a named pipe (FIFO), not a regular file",
		"zero.lua":    "leads out of",
		"secret.lua":  "leads out of",
		"big.lua":     "is 1048577 bytes, more than max_lua_file (1 MiB)",
		"sparse.wasm": "is 1.0 TiB, more than max_wasm_file (64 MiB)",
	}
}

func sparse(t *testing.T, path string, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// returns runs f and fails the test if it does not return: a hang guard.
func returns(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatalf("%s did not return", what)
	}
}

// TestCheckRefusesBadJobFiles: `jobbox check` refuses a FIFO, a device, an
// oversized and a sparse file and a symlink to a secret, as files given on
// the command line and as files the config names, and returns.
func TestCheckRefusesBadJobFiles(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	want := badFiles(t, dir)
	var args []string
	var cfg strings.Builder
	for name := range want {
		args = append(args, filepath.Join(dir, name))
		fmt.Fprintf(&cfg, "[[jobs]]\nname = %q\nfile = %q\ninterval = 60\n", strings.ReplaceAll(name, ".", "-"), name)
	}
	write(t, filepath.Join(dir, "config.toml"), cfg.String())
	var code int
	var out, errOut string
	returns(t, "check of the files", func() {
		code, out, errOut = jobbox(t, append([]string{"check", "--config", filepath.Join(dir, "none.toml")}, args...)...)
	})
	checkRefusals(t, code, out+errOut, want)
	returns(t, "check of the config", func() {
		code, out, errOut = jobbox(t, "check", "--config", filepath.Join(dir, "config.toml"))
	})
	checkRefusals(t, code, out+errOut, want)
}

func checkRefusals(t *testing.T, code int, out string, want map[string]string) {
	t.Helper()
	if code != exitFail {
		t.Errorf("exit code %d, want %d", code, exitFail)
	}
	for name, msg := range want {
		found := false
		for _, line := range strings.Split(out, "\n") {
			found = found || strings.Contains(line, name+" "+msg) || strings.Contains(line, name+": "+msg)
		}
		if !found {
			t.Errorf("%s: no line saying %q in:\n%s", name, msg, out)
		}
	}
	if strings.Contains(out, "s3cr3t") || strings.Contains(out, "shadow") {
		t.Errorf("the output shows the secret or its path:\n%s", out)
	}
}

// TestServiceRefusesBadJobFilesBesideCanary: job files that turn into a
// FIFO, a sparse terabyte and a symlink to /dev/zero after the service
// started are each refused at their run with a clear error, while a
// canary keeps its schedule, and the service stops.
func TestServiceRefusesBadJobFilesBesideCanary(t *testing.T) {
	t.Parallel()
	dir := seededDir(t)
	write(t, filepath.Join(dir, "canary.lua"), okJob)
	bad := map[string]string{
		"fifo.wasm":   "job file fifo.wasm is a named pipe (FIFO), not a regular file",
		"sparse.wasm": "job file sparse.wasm is 1.0 TiB, more than max_wasm_file (64 MiB)",
		"zero.lua":    "job file zero.lua leads out of",
	}
	cfg := "[[jobs]]\nname = \"canary\"\nfile = \"canary.lua\"\ninterval = 1\n"
	for name := range bad {
		write(t, filepath.Join(dir, name), "x")
		cfg += fmt.Sprintf("[[jobs]]\nname = %q\nfile = %q\ninterval = 1\n", strings.ReplaceAll(name, ".", "-"), name)
	}
	write(t, filepath.Join(dir, "config.toml"), cfg)
	clk := clock.NewFake(time.Date(2027, 1, 4, 10, 0, 0, 0, time.UTC))
	reports := make(chan sched.Report, 100)
	svc, err := service.Start(context.Background(), filepath.Join(dir, "config.toml"), service.Options{
		Clock: clk, OnReport: func(r sched.Report) { reports <- r },
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range bad {
		os.Remove(filepath.Join(dir, name))
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.wasm"), 0o600); err != nil {
		t.Fatal(err)
	}
	sparse(t, filepath.Join(dir, "sparse.wasm"), 1<<40)
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.lua")); err != nil {
		t.Fatal(err)
	}

	refused := map[string]string{}
	for canary := 0; canary < 3 || len(refused) < len(bad); {
		clk.Advance(time.Second)
		for tick := false; !tick; {
			select {
			case r := <-reports:
				if r.Job == "canary" {
					if r.Outcome.Error != "" {
						t.Fatalf("canary: %s", r.Outcome.Error)
					}
					canary, tick = canary+1, true
				} else {
					refused[r.Job] = r.Outcome.Error
				}
			case <-time.After(2 * time.Minute):
				t.Fatalf("no canary run after 2 minutes; refused so far: %v", refused)
			}
		}
	}
	for name, msg := range bad {
		if got := refused[strings.ReplaceAll(name, ".", "-")]; !strings.Contains(got, msg) {
			t.Errorf("%s: error %q, want it to say %q", name, got, msg)
		}
	}
	returns(t, "stopping the service", func() { svc.Stop(context.Background()) })
}
