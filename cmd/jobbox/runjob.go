package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/sandbox"
	"github.com/jobbox/jobbox/host/service"
)

// runJSON is what `jobbox run --json` prints.
type runJSON struct {
	Status     string   `json:"status"`
	Error      string   `json:"error"`
	DurationMS float64  `json:"duration_ms"`
	Logs       []string `json:"logs"`
}

// cmdRun runs one job file once, in the sandbox, as the service would. When
// the config names the file, the job runs under that job's name and limits.
func cmdRun(ctx context.Context, inv *invocation) int {
	if len(inv.args) != 1 {
		return inv.fail("name one job file: jobbox run FILE.lua|FILE.wasm")
	}
	file := inv.args[0]
	job := sandbox.Job{Name: jobNameOf(file), File: file}
	cfg := loadOptionalConfig(inv)
	if cfg != nil {
		abs, _ := filepath.Abs(file)
		for _, j := range cfg.Jobs {
			if p, _ := filepath.Abs(j.Path); p == abs {
				job = service.JobOf(j)
				job.File = file
				break
			}
		}
		if job.Limits == (sandbox.Limits{}) {
			job.Limits = service.LimitsOf(cfg.Default)
		}
	} else {
		cfg = defaultConfig()
	}
	engine, err := service.NewEngine(ctx, cfg, nil, discardLogger())
	if err != nil {
		return inv.fail("%v", err)
	}
	defer engine.Close(ctx)
	out := engine.Run(ctx, job)

	if inv.json {
		logs := out.Logs
		if logs == nil {
			logs = []string{}
		}
		_ = json.NewEncoder(inv.stdout).Encode(runJSON{
			Status: out.Status.String(), Error: out.Error,
			DurationMS: float64(out.Duration().Microseconds()) / 1000, Logs: logs,
		})
	} else {
		for _, l := range out.Logs {
			fmt.Fprintf(inv.stdout, "log: %s\n", l)
		}
		fmt.Fprintf(inv.stdout, "%s in %s", out.Status, out.Duration().Round(10_000))
		if out.Error != "" {
			fmt.Fprintf(inv.stdout, ": %s", out.Error)
		}
		fmt.Fprintln(inv.stdout)
	}
	switch out.Status {
	case abi.StatusOK, abi.StatusSleep, abi.StatusStop:
		return exitOK
	}
	return exitFail
}

func discardLogger() zerolog.Logger { return zerolog.Nop() }
