package service

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/web"
)

// dashboard is what the web pages read (web.Backend): the admin API's own
// answers, so a page shows exactly what the API would.
type dashboard struct{ a *apiService }

var _ web.Backend = dashboard{}

// pages serves the dashboard on the admin listener; its visitors are the
// API's, found by their session.
func (a *apiService) pages() http.Handler {
	return web.Handler(dashboard{a}, web.Options{Identify: func(r *http.Request) (web.Identity, bool) {
		p, ok := a.server.Identify(r)
		return web.Identity{User: p.Name, Role: p.Role.String()}, ok
	}})
}

func (d dashboard) Status(context.Context) (web.Status, error) {
	st := d.a.Status()
	counts, _ := d.a.s.sched.Census(nil)
	by := make(map[string]int, len(counts))
	for state, n := range counts {
		by[string(state)] = n
	}
	return web.Status{State: st.Status, Host: d.a.host, Version: st.Version, Started: st.Started, ByState: by}, nil
}

func (d dashboard) Jobs(_ context.Context, f web.JobFilter) (web.JobPage, error) {
	page := d.a.server.ListJobs(api.JobQuery{After: f.Cursor, State: f.State, Name: f.Name, Limit: f.Limit})
	out := web.JobPage{Jobs: make([]web.Job, len(page.Jobs)), Next: page.Next, Total: -1}
	for i, j := range page.Jobs {
		out.Jobs[i] = webJob(j)
	}
	if f.State == "" && f.Name == "" {
		out.Total = len(d.a.JobNames())
	}
	return out, nil
}

func webJob(j api.Job) web.Job {
	w := web.Job{Name: j.Name, File: j.File, Interval: seconds(j.IntervalS),
		RunOnce: j.RunOnce, State: j.State, Reason: j.Reason, LastStatus: j.LastStatus, Runs: j.Runs}
	if j.LastRun != nil {
		w.LastRun = *j.LastRun
	}
	if j.NextRun != nil {
		w.NextRun = *j.NextRun
	}
	w.Active = j.State != "deactivated" && j.State != "exited"
	return w
}

func (d dashboard) Job(_ context.Context, name string) (web.JobDetail, error) {
	j, ok := d.a.Job(name)
	if !ok {
		return web.JobDetail{}, web.ErrNotFound
	}
	detail := web.JobDetail{Job: webJob(j), LastError: j.LastError}
	if cfg, ok := d.a.JobConfig(name); ok {
		detail.Grants = cfg.Grants
		detail.Limits = make(map[string]string, len(cfg.Limits))
		for k, v := range cfg.Limits {
			detail.Limits[k] = limitText(v)
		}
	}
	return detail, nil
}

func limitText(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// Runs pages through a job's history as the API does: the cursor is the
// ID the page starts before.
func (d dashboard) Runs(ctx context.Context, name string, p web.Page) (web.RunPage, error) {
	before, _ := strconv.ParseUint(p.Cursor, 10, 64)
	page, err := d.a.Runs(ctx, name, api.Page{Before: before, Limit: p.Limit})
	if err != nil {
		return web.RunPage{}, err
	}
	out := web.RunPage{Runs: make([]web.Run, len(page.Runs))}
	for i, r := range page.Runs {
		out.Runs[i] = web.Run{Start: r.Start, End: r.End, Lateness: seconds(r.LatenessS), Status: r.Status,
			Error: r.Error, Logs: r.Logs, Trigger: r.Trigger, Actor: r.Actor}
	}
	if page.Next != 0 {
		out.Next = strconv.FormatUint(page.Next, 10)
	}
	return out, nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// Audit pages through the audit log as GET /v1/audit does.
func (d dashboard) Audit(ctx context.Context, p web.Page) (web.AuditPage, error) {
	before, _ := strconv.ParseUint(p.Cursor, 10, 64)
	page, err := d.a.Audit(ctx, api.Page{Before: before, Limit: p.Limit})
	if err != nil {
		return web.AuditPage{}, err
	}
	out := web.AuditPage{Entries: make([]web.AuditEntry, len(page.Entries))}
	for i, e := range page.Entries {
		change := e.Before + " → " + e.After
		if e.Before == "" && e.After == "" {
			change = ""
		}
		if e.Error != "" {
			change = strings.TrimSpace(change + " (refused: " + e.Error + ")")
		}
		out.Entries[i] = web.AuditEntry{Time: e.Time, Actor: e.Actor, From: e.From, Action: e.Action, Target: e.Job, Change: change}
	}
	if page.Next != 0 {
		out.Next = strconv.FormatUint(page.Next, 10)
	}
	return out, nil
}
