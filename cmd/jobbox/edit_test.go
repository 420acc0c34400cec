package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/sandbox/sandboxtest"
	"github.com/jobbox/jobbox/host/service"
)

// editService starts a service with job "a", an admin and a viewer token,
// and returns its directory, config and the two ways to reach it: the
// socket, and --server with the admin token.
func editService(t *testing.T) (dir, cfg string, socket, remote []string, viewerFile string) {
	t.Helper()
	dir = t.TempDir()
	sandboxtest.SeedCache(t, filepath.Join(dir, "state", service.CacheDir))
	write(t, filepath.Join(dir, "ok.lua"), okJob)
	admin, adminHash := api.NewToken()
	viewer, viewerHash := api.NewToken()
	cfg = filepath.Join(dir, "config.toml")
	write(t, cfg, "# the service's config, kept byte for byte\n[admin]\nlisten = \"127.0.0.1:0\"\n"+
		"[[admin.tokens]]\nname = \"ad\"\nrole = \"admin\"\ntoken_hash = \""+adminHash+"\"\n"+
		"[[admin.tokens]]\nname = \"v\"\nrole = \"viewer\"\ntoken_hash = \""+viewerHash+"\"\n"+
		"\n# job a stays\n[[jobs]]\nname = \"a\"\nfile = \"ok.lua\"\ninterval = 3600 # hourly\n")
	svc, err := service.Start(context.Background(), cfg, service.Options{ServeAPI: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Stop(context.Background()) })
	adminFile, viewerFile := filepath.Join(dir, "admin.token"), filepath.Join(dir, "viewer.token")
	write(t, adminFile, admin)
	write(t, viewerFile, viewer)
	missing := filepath.Join(t.TempDir(), "missing.toml")
	return dir, cfg, []string{"--config", cfg}, []string{"--server", svc.APIURL(), "--token-file", adminFile, "--config", missing}, viewerFile
}

// TestJobAndCodeEdits: create, show, update, save code (valid, then a
// syntax error refused at its line:col with nothing written) and delete,
// over the socket and over --server with an admin token; every other
// byte of config.toml is kept.
func TestJobAndCodeEdits(t *testing.T) {
	t.Parallel()
	for _, way := range []string{"socket", "server"} {
		t.Run(way, func(t *testing.T) {
			t.Parallel()
			dir, cfg, socket, remote, _ := editService(t)
			conn := socket
			if way == "server" {
				conn = remote
			}
			before := readFile(t, cfg)
			cli := func(want int, args ...string) (string, string) {
				t.Helper()
				code, out, errOut := jobbox(t, append(args, conn...)...)
				if code != want {
					t.Fatalf("jobbox %q: exit %d, want %d: %q %q", args, code, want, out, errOut)
				}
				return out, errOut
			}

			out, _ := cli(0, "job", "create", "b", "--file", "b.lua", "--interval", "3600", "--grant", "data=stats", "--grant", "data=logs")
			if !strings.Contains(out, "job b created in ") || !strings.Contains(out, filepath.Join(dir, "b.lua")+" (jobbox code put)") {
				t.Fatalf("create: %q", out)
			}
			out, _ = cli(0, "job", "show", "b")
			for _, want := range []string{"[[jobs]]\nname = \"b\"\nfile = \"b.lua\"\ninterval = 3600\n", "[jobs.grants]\ndata = [\"stats\",\"logs\"]\n"} {
				if !strings.Contains(out, want) {
					t.Fatalf("show: %q lacks %q", out, want)
				}
			}
			if _, errOut := cli(1, "job", "update", "b"); !strings.Contains(errOut, "nothing to change") {
				t.Fatalf("update without a change: %q", errOut)
			}
			out, _ = cli(0, "job", "update", "b", "--interval", "90s", "--run-once")
			if !strings.Contains(out, "job b updated in ") {
				t.Fatalf("update: %q", out)
			}
			if after := readFile(t, cfg); !strings.HasPrefix(after, before) {
				t.Fatalf("the edits changed other bytes of config.toml:\n%s", after)
			}
			var fields map[string]any
			out, _ = cli(0, "job", "show", "b", "--json")
			if err := json.Unmarshal([]byte(out), &fields); err != nil || fields["interval"] != "90s" || fields["run_once"] != true || fields["grants"] == nil {
				t.Fatalf("show --json after update: %q %v", out, err)
			}

			good := "local job = core.job()\nfunction job.run() return job.OK end\nreturn job\n"
			write(t, filepath.Join(dir, "good.lua.new"), good)
			if out, _ = cli(0, "code", "put", "b", filepath.Join(dir, "good.lua.new")); !strings.Contains(out, "job b: saved b.lua; its next run uses it") {
				t.Fatalf("code put: %q", out)
			}
			if out, _ = cli(0, "code", "get", "b"); out != good {
				t.Fatalf("code get: %q", out)
			}
			write(t, filepath.Join(dir, "bad.lua.new"), "local job = core.job()\nfunction job.run( return job.OK end\nreturn job\n")
			_, errOut := cli(1, "code", "put", "b", filepath.Join(dir, "bad.lua.new"))
			if !regexp.MustCompile(`(?m)^b\.lua:2:\d+: `).MatchString(errOut) || !strings.Contains(errOut, "refused, nothing written") {
				t.Fatalf("code put of a syntax error: %q", errOut)
			}
			cli(0, "code", "get", "b", "-o", filepath.Join(dir, "got.lua"))
			if got := readFile(t, filepath.Join(dir, "got.lua")); got != good {
				t.Fatalf("the refused code was written: %q", got)
			}

			if _, errOut = cli(1, "job", "delete", "b"); !strings.Contains(errOut, "cannot be undone: add --yes") {
				t.Fatalf("delete without --yes: %q", errOut)
			}
			cli(0, "job", "show", "b")
			if out, _ = cli(0, "job", "delete", "b", "--yes"); !strings.Contains(out, "job b deleted from ") {
				t.Fatalf("delete: %q", out)
			}
			if _, errOut = cli(1, "job", "show", "b"); !strings.Contains(errOut, "no such job") {
				t.Fatalf("show after delete: %q", errOut)
			}
			// The delete leaves the blank line the create set the table
			// apart with (host/jobedit); every other byte is as it was.
			if after := readFile(t, cfg); strings.TrimRight(after, "\n") != strings.TrimRight(before, "\n") {
				t.Fatalf("config.toml changed:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

// TestEditsRefusedToViewer: a viewer token may not read or change a job's
// table or code; the API's sentence is shown and nothing is written.
func TestEditsRefusedToViewer(t *testing.T) {
	t.Parallel()
	dir, cfg, _, remote, viewerFile := editService(t)
	remote[3] = viewerFile
	before := readFile(t, cfg)
	write(t, filepath.Join(dir, "new.lua"), okJob+"-- changed\n")
	for _, args := range [][]string{
		{"job", "show", "a"},
		{"job", "create", "c", "--file", "c.lua", "--interval", "60"},
		{"job", "update", "a", "--interval", "60"},
		{"job", "delete", "a", "--yes"},
		{"code", "get", "a"},
		{"code", "put", "a", filepath.Join(dir, "new.lua")},
	} {
		code, _, errOut := jobbox(t, append(args, remote...)...)
		if code != 1 || !strings.Contains(errOut, "needs the admin role") {
			t.Fatalf("%q as viewer: %d %q", args, code, errOut)
		}
	}
	if readFile(t, cfg) != before || readFile(t, filepath.Join(dir, "ok.lua")) != okJob {
		t.Fatal("a viewer's edit was written")
	}
	if _, err := os.Stat(filepath.Join(dir, "c.lua")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a viewer's create made c.lua: %v", err)
	}
}

// TestRefusedConflict: a 409 says the file changed and that running the
// command again reads it again.
func TestRefusedConflict(t *testing.T) {
	t.Parallel()
	var errOut strings.Builder
	inv := &invocation{name: "job update", stderr: &errOut}
	err := &api.Error{Status: http.StatusConflict, Err: errors.New("config.toml changed since it was read")}
	if code := inv.refused(err); code != exitFail || !strings.Contains(errOut.String(), "changed since it was read (running the command again reads it again)") {
		t.Fatalf("%d %q", code, errOut.String())
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
