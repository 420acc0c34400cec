package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/modules"
	"github.com/jobbox/jobbox/host/sandbox"
	"github.com/jobbox/jobbox/host/service"
	"github.com/jobbox/jobbox/host/store"
	"github.com/jobbox/jobbox/host/textsafe"
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
		mods, closeModules := openModules(inv, cfg)
		defer closeModules()
		abs, _ := filepath.Abs(file)
		for _, j := range cfg.Jobs {
			if p, _ := filepath.Abs(j.Path); p == abs {
				job = service.JobOf(cfg, j, mods)
				job.File = file
				break
			}
		}
		if job.Limits == (sandbox.Limits{}) {
			job.Limits = service.LimitsOf(cfg.DefaultLimits())
		}
	} else {
		cfg = defaultConfig()
	}
	var clk clock.Clock
	if inv.at != "" {
		at, err := parseAt(inv.at, cfg.Timezone.Location())
		if err != nil {
			return inv.fail("%v", err)
		}
		clk = clock.NewFake(at)
	}
	engine, err := service.NewEngine(ctx, cfg, clk, nil)
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
			fmt.Fprintf(inv.stdout, "log: %s\n", textsafe.Escape(l))
		}
		fmt.Fprintf(inv.stdout, "%s in %s", out.Status, out.Duration().Round(10_000))
		if out.Error != "" {
			fmt.Fprintf(inv.stdout, ": %s", textsafe.Escape(out.Error))
		}
		fmt.Fprintln(inv.stdout)
	}
	switch out.Status {
	case abi.StatusOK, abi.StatusSleep, abi.StatusStop:
		return exitOK
	}
	return exitFail
}

// parseAt reads --at: RFC 3339, or a local date and time without zone.
func parseAt(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--at %q is not a time like 2027-01-03T10:00 or 2027-01-03T10:00:00Z", s)
}

// openModules opens the core modules cfg configures, with the state store
// for core.data when no service holds it. Without the store, core.data
// calls fail with a message, and the other modules still work.
func openModules(inv *invocation, cfg *config.Config) (*modules.Host, func()) {
	var docs store.Documents
	var st *store.Bolt
	err := service.SecureStateDir(cfg.StateDir)
	if err == nil {
		st, err = store.OpenBolt(filepath.Join(cfg.StateDir, service.StoreFile))
	}
	if err != nil {
		fmt.Fprintf(inv.stderr, "jobbox run: core.data is unavailable: %s\n", textsafe.Escape(err.Error()))
	} else {
		docs = st
	}
	mods, err := modules.New(cfg.Modules(), docs)
	if err != nil {
		fmt.Fprintf(inv.stderr, "jobbox run: the core modules are unavailable: %s\n", escapeLines(err.Error()))
		mods = nil
	}
	return mods, func() {
		if mods != nil {
			_ = mods.Close()
		}
		if st != nil {
			_ = st.Close()
		}
	}
}
