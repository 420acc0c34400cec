package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/sandbox"
	"github.com/jobbox/jobbox/host/service"
	"github.com/jobbox/jobbox/host/textsafe"
)

// cmdCheck validates the config and every job file it names, or only the
// files given, printing one `path:line:col: message` line per problem.
func cmdCheck(ctx context.Context, inv *invocation) int {
	var problems []string
	var jobs []sandbox.Job
	var cfg *config.Config
	if len(inv.args) == 0 {
		c, err := config.Load(inv.config)
		var errs config.Errors
		switch {
		case errors.As(err, &errs):
			for _, e := range errs {
				problems = append(problems, e.Error())
			}
		case err != nil:
			return inv.fail("%v", err)
		default:
			cfg = c
			for _, j := range c.Jobs {
				jobs = append(jobs, service.JobOf(cfg, j, nil))
			}
		}
	} else {
		cfg = loadOptionalConfig(inv)
		for _, f := range inv.args {
			jobs = append(jobs, sandbox.Job{Name: jobNameOf(f), File: f})
		}
	}
	if len(jobs) > 0 {
		if cfg == nil {
			cfg = defaultConfig()
		}
		engine, err := service.NewEngine(ctx, cfg, nil, nil)
		if err != nil {
			return inv.fail("%v", err)
		}
		defer engine.Close(ctx)
		seen := map[string]bool{}
		for _, j := range jobs {
			if seen[j.Path+j.File] {
				continue
			}
			seen[j.Path+j.File] = true
			found, err := engine.Check(ctx, j)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s:1:1: %v", j.File, err))
			}
			for _, p := range found {
				problems = append(problems, fmt.Sprintf("%s:%d:%d: %s", j.File, p.Line, p.Col, p.Message))
			}
		}
	}
	for _, p := range problems {
		fmt.Fprintln(inv.stdout, textsafe.Escape(p))
	}
	if len(problems) > 0 {
		return exitFail
	}
	return exitOK
}

// loadOptionalConfig loads the config for its settings (timezone, limits,
// state directory) when one exists; a one-off command works without one.
func loadOptionalConfig(inv *invocation) *config.Config {
	if _, err := os.Stat(inv.config); err != nil {
		return nil
	}
	cfg, err := config.Load(inv.config)
	if err != nil {
		fmt.Fprintf(inv.stderr, "jobbox %s: ignoring %s, which is invalid:\n%s\n", inv.name, inv.config, escapeLines(err.Error()))
		return nil
	}
	return cfg
}

func defaultConfig() *config.Config {
	cfg := config.DefaultConfig()
	cfg.Path, cfg.Dir = "config.toml", "."
	_ = cfg.Validate()
	if cfg.StateDir == "" || cfg.Timezone.Location() == nil {
		panic("the default config does not validate")
	}
	// The user's own cache, not a shared directory such as /tmp, where
	// another user could plant compiled code (service.SecureStateDir).
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("jobbox-%d", os.Getuid()))
	}
	cfg.StateDir = filepath.Join(dir, "jobbox")
	return cfg
}

func jobNameOf(file string) string {
	return strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
}
