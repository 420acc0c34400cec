package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/service"
	"github.com/jobbox/jobbox/host/textsafe"
)

// client finds the running service through the state directory that the
// config names. The config need not be valid in full: a reload is how an
// operator learns what is wrong with it, so only state_dir is read.
func (inv *invocation) client() (*service.Client, error) {
	if inv.server != "" {
		token, err := inv.token()
		if err != nil {
			return nil, err
		}
		return service.NewRemoteClient(inv.server, token), nil
	}
	dir, err := inv.stateDir()
	if err != nil {
		return nil, err
	}
	return service.NewClient(dir), nil
}

// token reads the API token for --server from --token-file, or else from
// $JOBBOX_TOKEN; never from a flag's value, which other users see in the
// process list.
func (inv *invocation) token() (string, error) {
	if inv.tokenFile != "" {
		data, err := os.ReadFile(inv.tokenFile)
		if err != nil {
			return "", fmt.Errorf("reading the token: %w", err)
		}
		t := strings.TrimSpace(string(data))
		if t == "" || strings.IndexFunc(t, func(r rune) bool { return r <= ' ' || r >= 0x7f }) >= 0 {
			return "", fmt.Errorf("the token file %s must hold one token, as jobbox new-token prints it", inv.tokenFile)
		}
		return t, nil
	}
	if t := strings.TrimSpace(os.Getenv("JOBBOX_TOKEN")); t != "" {
		return t, nil
	}
	return "", fmt.Errorf("--server needs an API token: --token-file FILE or $JOBBOX_TOKEN (jobbox new-token makes one)")
}

// stateDir reads only state_dir from the config, as client does.
func (inv *invocation) stateDir() (string, error) {
	data, err := os.ReadFile(inv.config)
	if err != nil {
		return "", fmt.Errorf("reading the config: %w", err)
	}
	dir := config.StateDirOf(data)
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(filepath.Dir(inv.config), dir)
	}
	return dir, nil
}

func (inv *invocation) call(ctx context.Context, method, path string, out any) int {
	_, code := inv.send(ctx, service.Call{Method: method, Path: path, Out: out})
	return code
}

// printJSON writes v as indented JSON, for --json.
func (inv *invocation) printJSON(v any) int {
	enc := json.NewEncoder(inv.stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
	return exitOK
}

func cmdJobs(ctx context.Context, inv *invocation) int {
	jobs, code := inv.allJobs(ctx)
	if code != exitOK {
		return code
	}
	if inv.json {
		return inv.printJSON(jobs)
	}
	var status service.StatusJSON
	if code := inv.call(ctx, http.MethodGet, "/v1/status", &status); code != exitOK {
		return code
	}
	fmt.Fprintf(inv.stdout, "service %s, %d jobs\n\n", textsafe.Escape(status.Status), len(jobs))
	tw := tabwriter.NewWriter(inv.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tEVERY\tLAST\tLAST RUN\tNEXT RUN\tRUNS\tFILE")
	for _, j := range jobs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", textsafe.Escape(j.Name), textsafe.Escape(j.State),
			time.Duration(j.IntervalS*float64(time.Second)), dash(textsafe.Escape(j.LastStatus)), when(j.LastRun), when(j.NextRun), j.Runs, textsafe.Escape(j.File))
	}
	tw.Flush()
	for _, j := range jobs {
		if j.LastError != "" {
			fmt.Fprintf(inv.stdout, "\n%s: last error: %s", textsafe.Escape(j.Name), textsafe.Escape(j.LastError))
		}
	}
	fmt.Fprintln(inv.stdout)
	return exitOK
}

// allJobs pages through the service's jobs.
func (inv *invocation) allJobs(ctx context.Context) ([]service.JobJSON, int) {
	jobs := []service.JobJSON{}
	for after := ""; ; {
		var page api.JobPage
		if code := inv.call(ctx, http.MethodGet, "/v1/jobs?limit=1000&after="+url.QueryEscape(after), &page); code != exitOK {
			return nil, code
		}
		for _, j := range page.Jobs {
			jobs = append(jobs, service.JobJSON{Name: j.Name, File: j.File, IntervalS: j.IntervalS, RunOnce: j.RunOnce,
				State: j.State, LastStatus: j.LastStatus, LastError: j.LastError, LastRun: j.LastRun, NextRun: j.NextRun, Runs: j.Runs})
		}
		if page.Next == "" {
			return jobs, exitOK
		}
		after = page.Next
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Local().Format(time.DateTime)
}

func cmdReload(ctx context.Context, inv *invocation) int {
	var status service.StatusJSON
	if code := inv.call(ctx, http.MethodPost, "/v1/reload", &status); code != exitOK {
		return code
	}
	fmt.Fprintf(inv.stdout, "reloaded: service %s, %d jobs\n", status.Status, status.Jobs)
	return exitOK
}

func cmdActivate(ctx context.Context, inv *invocation) int {
	return setActive(ctx, inv, "activate")
}

func cmdDeactivate(ctx context.Context, inv *invocation) int {
	return setActive(ctx, inv, "deactivate")
}

func setActive(ctx context.Context, inv *invocation, action string) int {
	if len(inv.args) != 1 {
		return inv.fail("name one job: jobbox %s NAME", action)
	}
	name := inv.args[0]
	if code := inv.call(ctx, http.MethodPost, jobPath(name, "/"+action), nil); code != exitOK {
		return code
	}
	if action == "activate" {
		fmt.Fprintf(inv.stdout, "job %s activated; it runs again after the next reload (jobbox reload)\n", textsafe.Escape(name))
	} else {
		fmt.Fprintf(inv.stdout, "job %s deactivated\n", textsafe.Escape(name))
	}
	return exitOK
}

// cmdHistory prints a job's latest runs, newest first, with their logs.
func cmdHistory(ctx context.Context, inv *invocation) int {
	if len(inv.args) != 1 {
		return inv.fail("name one job: jobbox history NAME")
	}
	var page api.RunPage
	if code := inv.call(ctx, http.MethodGet, jobPath(inv.args[0], "/runs?limit=1000"), &page); code != exitOK {
		return code
	}
	runs := page.Runs
	if inv.json {
		return inv.printJSON(runs)
	}
	for _, r := range runs {
		fmt.Fprintf(inv.stdout, "%s  %s  %s  %s", r.Start.Local().Format(time.DateTime), r.End.Sub(r.Start).Round(time.Millisecond), trigger(r), textsafe.Escape(r.Status))
		if r.Error != "" {
			fmt.Fprintf(inv.stdout, ": %s", textsafe.Escape(r.Error))
		}
		fmt.Fprintln(inv.stdout)
		for _, l := range r.Logs {
			fmt.Fprintf(inv.stdout, "    log: %s\n", textsafe.Escape(l))
		}
	}
	return exitOK
}

// trigger says what started a run: schedule, reload, or manual with who
// asked for it.
func trigger(r api.Run) string {
	if r.Trigger == "manual" && r.Actor != "" {
		return "manual by " + textsafe.Escape(r.Actor)
	}
	return textsafe.Escape(r.Trigger)
}
