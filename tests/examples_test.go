// Package tests holds the end-to-end tests: the seed guide's examples, the
// hostile guests, and the service with its admin socket, all against the
// real sandbox and real wasm guests.
package tests

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/sandbox"
	"github.com/jobbox/jobbox/host/sandbox/sandboxtest"
)

// engineAt returns an engine whose guests see the fixed time at.
func engineAt(t *testing.T, at time.Time) *sandbox.Engine {
	t.Helper()
	return sandboxtest.NewEngine(t, sandboxtest.Options{Now: at})
}

var (
	friday = time.Date(2026, 11, 20, 1, 15, 0, 0, time.UTC)
	sunday = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	monday = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
)

// TestSeedExamples runs every example of the Jobs guide, unmodified, and
// checks its documented outcome. Examples calling core.mysql, core.email or
// core.network end in ERROR, "not available", until those modules land.
func TestSeedExamples(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file   string
		at     time.Time
		status abi.Status
		errHas string
		logs   []string
	}{
		{file: "template.lua", at: monday, status: abi.StatusOK},
		{file: "helper-example.lua", at: friday, status: abi.StatusSleep, logs: []string{"Do some Friday work"}},
		{file: "helper-example.lua", at: monday, status: abi.StatusSleep},
		{file: "sleep.lua", at: monday, status: abi.StatusSleep},
		{file: "sleep.lua", at: sunday, status: abi.StatusError, errHas: "jobs/sleep.lua:6: core.mysql.update: core.mysql is not granted to job"},
		{file: "recurring.lua", at: monday, status: abi.StatusError, errHas: "jobs/recurring.lua:6: core.mysql.selectOne: core.mysql is not granted to job"},
		{file: "stop.lua", at: monday, status: abi.StatusError, errHas: "core.mysql is not granted to job"},
		{file: "exit.lua", at: monday, status: abi.StatusError, errHas: "core.mysql is not granted to job"},
		{file: "run-once.lua", at: monday, status: abi.StatusError, errHas: "jobs/run-once.lua:5: core.network.getJson: core.network is not granted to job"},
		{file: "hello-go.wasm", at: monday, status: abi.StatusOK, logs: []string{"hello from hello-go on Monday 09:00"}},
		{file: "hello-go.wasm", at: sunday, status: abi.StatusSleep, logs: []string{"hello from hello-go on Sunday 09:00"}},
	}
	for _, tc := range cases {
		t.Run(tc.file+"@"+tc.at.Weekday().String(), func(t *testing.T) {
			t.Parallel()
			e := engineAt(t, tc.at)
			out := e.Run(context.Background(), sandbox.Job{
				Name: strings.TrimSuffix(tc.file, filepath.Ext(tc.file)),
				File: "jobs/" + tc.file, Path: filepath.Join("..", "jobs", tc.file),
			})
			if out.Status != tc.status || !strings.Contains(out.Error, tc.errHas) {
				t.Fatalf("status %v error %q; want %v with %q", out.Status, out.Error, tc.status, tc.errHas)
			}
			if strings.Join(out.Logs, "|") != strings.Join(tc.logs, "|") {
				t.Fatalf("logs %q, want %q", out.Logs, tc.logs)
			}
		})
	}
}

// The helpers example of the Jobs API returns job.DONE, which does not
// exist: check finds it, and a run deactivates the job.
const apiHelperExample = `local job = core.job()

function job.run()

  if job.day() == "Fri" and job.hour() == 1 then
    core.log("Do some work")
  end

  return job.DONE

end

return job
`

func TestAPIHelperExampleWithJobDONE(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "helpers.lua")
	if err := os.WriteFile(path, []byte(apiHelperExample), 0o644); err != nil {
		t.Fatal(err)
	}
	e := engineAt(t, friday)
	job := sandbox.Job{Name: "helpers", File: "helpers.lua", Path: path}
	problems, err := e.Check(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || problems[0].Line != 9 || problems[0].Col != 10 || !strings.Contains(problems[0].Message, "job.DONE is not defined") {
		t.Fatalf("problems %+v", problems)
	}
	out := e.Run(context.Background(), job)
	if out.Status != abi.StatusError || !strings.Contains(out.Error, "job.run returned nil") || len(out.Logs) != 1 {
		t.Fatalf("outcome %+v", out)
	}
}

// TestShippedConfigAndJobsCheckClean checks what the README's first command
// runs: config.toml and every job file it names.
func TestShippedConfigAndJobsCheckClean(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(filepath.Join("..", "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	e := engineAt(t, monday)
	for _, j := range cfg.Jobs {
		problems, err := e.Check(context.Background(), sandbox.Job{Name: j.Name, File: j.File, Path: j.Path})
		if err != nil || len(problems) > 0 {
			t.Errorf("%s: %v %+v", j.File, err, problems)
		}
	}
}
