package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/sandbox/sandboxtest"
	"github.com/jobbox/jobbox/host/service"
)

// TestRemoteCommands: the admin commands reach a service through its HTTP
// API with --server and a token file, and the token's role holds.
func TestRemoteCommands(t *testing.T) {
	t.Parallel()
	ts := startWithTokens(t, service.Options{ServeAPI: true})
	svc, dir, viewerFile, operatorFile := ts.svc, ts.dir, ts.viewerFile, ts.operatorFile
	// No --config: a remote service needs none here.
	elsewhere := filepath.Join(t.TempDir(), "missing.toml")
	remote := []string{"--server", svc.APIURL(), "--config", elsewhere}

	code, out, errOut := jobbox(t, append([]string{"jobs", "--token-file", viewerFile}, remote...)...)
	if code != 0 || !strings.Contains(out, "service running, 1 jobs") {
		t.Fatalf("jobs: %d %q %q", code, out, errOut)
	}
	code, _, errOut = jobbox(t, append([]string{"deactivate", "a", "--token-file", viewerFile}, remote...)...)
	if code != 1 || !strings.Contains(errOut, "needs the operator role") {
		t.Fatalf("deactivate as viewer: %d %q", code, errOut)
	}
	if code, _, errOut := jobbox(t, append([]string{"deactivate", "a", "--token-file", operatorFile}, remote...)...); code != 0 {
		t.Fatalf("deactivate as operator: %q", errOut)
	}
	if code, out, errOut := jobbox(t, append([]string{"history", "a", "--token-file", operatorFile}, remote...)...); code != 0 {
		t.Fatalf("history: %q %q", out, errOut)
	}
	wrong := filepath.Join(dir, "wrong.token")
	write(t, wrong, "jbx_wrong")
	code, _, errOut = jobbox(t, append([]string{"jobs", "--token-file", wrong}, remote...)...)
	if code != 1 || !strings.Contains(errOut, "not one configured") || strings.Contains(errOut, "jbx_wrong") {
		t.Fatalf("a wrong token: %d %q", code, errOut)
	}
	code, _, errOut = jobbox(t, append([]string{"jobs", "--token-file", filepath.Join(dir, "ok.lua")}, remote...)...)
	if code != 1 || !strings.Contains(errOut, "must hold one token") || strings.Contains(errOut, okJob) {
		t.Fatalf("a file that is no token: %d %q", code, errOut)
	}
}

// tokenService is a service with job a (ok.lua, hourly) that serves its
// API to a viewer's and an operator's token, whose files are in dir.
type tokenService struct {
	svc                      *service.Service
	dir, cfg                 string
	viewerFile, operatorFile string
}

// startWithTokens starts a tokenService with opts; it stops when the test
// ends. The viewer's token file ends in a newline, the operator's does
// not: both must be read alike.
func startWithTokens(t *testing.T, opts service.Options) tokenService {
	t.Helper()
	dir := t.TempDir()
	sandboxtest.SeedCache(t, filepath.Join(dir, "state", service.CacheDir))
	write(t, filepath.Join(dir, "ok.lua"), okJob)
	viewer, viewerHash := api.NewToken()
	operator, operatorHash := api.NewToken()
	cfg := filepath.Join(dir, "config.toml")
	write(t, cfg, "[admin]\nlisten = \"127.0.0.1:0\"\n"+
		"[[admin.tokens]]\nname = \"v\"\nrole = \"viewer\"\ntoken_hash = \""+viewerHash+"\"\n"+
		"[[admin.tokens]]\nname = \"o\"\nrole = \"operator\"\ntoken_hash = \""+operatorHash+"\"\n"+
		"\n[[jobs]]\nname = \"a\"\nfile = \"ok.lua\"\ninterval = 3600\n")
	svc, err := service.Start(context.Background(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Stop(context.Background()) })
	ts := tokenService{svc: svc, dir: dir, cfg: cfg,
		viewerFile: filepath.Join(dir, "viewer.token"), operatorFile: filepath.Join(dir, "operator.token")}
	write(t, ts.viewerFile, viewer+"\n")
	write(t, ts.operatorFile, operator)
	return ts
}
