package tests

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/bench"
	"github.com/jobbox/jobbox/host/sandbox"
)

// runtimeGuests are the guests of guests/runtime.go: initialisation and
// preparation under the job's own limits, and no job sources for them.
var runtimeGuests = []string{"init-spin", "prepare-spin", "init-grow", "prepare-reads-sources"}

// TestInitialisationRunsUnderTheJobsLimits runs each guest of runtimeGuests
// under bench.CorpusLimits(), through the pool (a run) and through Prepare followed
// by a run, and checks the stored error its .expect file states.
func TestInitialisationRunsUnderTheJobsLimits(t *testing.T) {
	t.Parallel()
	e := engineAt(t, monday)
	for _, name := range runtimeGuests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want := expectedError(t, name)
			job := testGuest(name)
			job.Limits = bench.CorpusLimits()
			if err := e.Prepare(context.Background(), job); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				out := e.Run(context.Background(), job)
				if out.Status != abi.StatusError || !strings.Contains(out.Error, want) {
					t.Fatalf("got %v %q; want ERROR containing %q", out.Status, out.Error, want)
				}
			}
		})
	}
}

// expectedError reads guests/name.expect: `ERROR <text the error contains>`.
func expectedError(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("guests", name+".expect"))
	if err != nil {
		t.Fatal(err)
	}
	want, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "ERROR ")
	if !ok {
		t.Fatalf("guests/%s.expect must read `ERROR <text>`", name)
	}
	return want
}

// TestCompiledGuestNeverSeesLuaSources: an engine that knows a Lua job
// holding a secret offers it to no compiled guest, whether that guest's
// snapshot is taken before or after the Lua job is known.
func TestCompiledGuestNeverSeesLuaSources(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := engineAt(t, monday)
	secret := `API_TOKEN = "s3cr3t-token"`
	lua := filepath.Join(t.TempDir(), "secret.lua")
	src := "local " + secret + "\nlocal job = core.job()\nfunction job.run() return true end\nreturn job\n"
	// Past the SDK's 16 KiB buffer, so a reader must fetch it with result.
	src += "--" + strings.Repeat("x", 20<<10) + "\n"
	writeFile(t, lua, src)
	luaJob := sandbox.Job{Name: "secret", File: lua}
	if out := e.Run(ctx, luaJob); out.Status != abi.StatusOK {
		t.Fatalf("the Lua job: %v %q", out.Status, out.Error)
	}
	if err := e.Prepare(ctx, luaJob); err != nil {
		t.Fatal(err)
	}
	job := testGuest("prepare-reads-sources")
	job.Limits = bench.CorpusLimits()
	for range 3 {
		out := e.Run(ctx, job)
		if strings.Contains(out.Error, "s3cr3t") || !strings.Contains(out.Error, "compiled guests get no job sources") {
			t.Fatalf("got %v %q; want the guest to have seen no sources", out.Status, out.Error)
		}
	}
}
