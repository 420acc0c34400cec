//go:build unix

package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestJobFileRefusedAtValidation: a FIFO, a symlink out of the job
// directory and an oversized file are refused by the config check, which
// must not hang on the FIFO nor quote the symlink's target.
func TestJobFileRefusedAtValidation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("TOKEN=hunter2"), 0o600); err != nil {
		t.Fatal(err)
	}
	jobs := filepath.Join(dir, "jobs")
	if err := os.Mkdir(jobs, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(jobs, "fifo.lua"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(jobs, "secret.lua")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(jobs, "big.lua"), make([]byte, 2049), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := "job_dirs = [\"jobs\"]\nmax_lua_file = \"2KiB\"\n"
	for _, n := range []string{"fifo", "secret", "big"} {
		cfg += "[[jobs]]\nname = \"" + n + "\"\nfile = \"jobs/" + n + ".lua\"\ninterval = 60\n"
	}
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil {
		t.Fatal("the config was accepted")
	}
	msg := err.Error()
	for _, want := range []string{
		"job file jobs/fifo.lua is a named pipe (FIFO), not a regular file",
		"job file jobs/secret.lua leads out of",
		"job file jobs/big.lua is 2049 bytes, more than max_lua_file (2 KiB)",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "hunter2") || strings.Contains(msg, secret) {
		t.Errorf("the error shows the secret or its path:\n%s", msg)
	}
}
