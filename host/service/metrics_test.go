package service

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/metrics/metricstest"
	"github.com/jobbox/jobbox/host/sandbox/sandboxtest"
	"github.com/jobbox/jobbox/host/sched"
)

// metricsJobs are Lua jobs with known outcomes, in config order; with
// max_job_labels = 3 the last one counts under job="_other".
var metricsJobs = []struct{ name, body, grants string }{
	{"saver", `core.data("c"):save({x = 1}) return job.OK`, `grants = { data = ["c"] }`},
	{"denied", `core.network.get("https://example.com") return job.OK`, ""},
	{"quitter", `return job.EXIT`, ""},
	{"sleeper", `return job.SLEEP`, ""},
}

// TestMetricsCountKnownRuns runs a real service on a fake clock and reads
// /metrics from its [metrics] listener after known runs: runs by job and
// outcome, deactivations by reason, module calls and denied grants, jobs
// by state, the runs' times, and output promtool accepts.
func TestMetricsCountKnownRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := "state_dir = \"state\"\n[metrics]\nlisten = \"127.0.0.1:0\"\nmax_job_labels = 3\n"
	for _, j := range metricsJobs {
		src := "local job = core.job()\nfunction job.run()\n" + j.body + "\nend\nreturn job\n"
		if err := os.WriteFile(filepath.Join(dir, j.name+".lua"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg += "\n[[jobs]]\nname = \"" + j.name + "\"\nfile = \"" + j.name + ".lua\"\ninterval = 60\n" + j.grants + "\n"
	}
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	sandboxtest.SeedCache(t, filepath.Join(dir, "state", CacheDir))
	t0 := time.Date(2027, 1, 3, 10, 0, 0, 0, time.UTC)
	clk := clock.NewFake(t0)
	reports := make(chan sched.Report, 16)
	svc, err := Start(context.Background(), path, Options{Clock: clk, OnReport: func(r sched.Report) { reports <- r }})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(context.Background())

	clk.Advance(time.Minute) // every job runs once
	awaitReports(t, reports, len(metricsJobs))
	clk.Advance(time.Minute) // only saver is still on the schedule
	awaitReports(t, reports, 1)
	rec := httptest.NewRecorder()
	svc.API().LocalHandler().ServeHTTP(rec, httptest.NewRequest("POST", "/v1/jobs/saver/deactivate", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("deactivate: %d %s", rec.Code, rec.Body)
	}

	body := get(t, "http://"+svc.MetricsAddr()+"/metrics")
	got := metricstest.Parse(t, body)
	got.Check(t,
		metricstest.Has("jobbox_runs_total", 2, "job", "saver", "outcome", "ok"),
		metricstest.Has("jobbox_runs_total", 1, "job", "denied", "outcome", "error"),
		metricstest.Has("jobbox_runs_total", 1, "job", "quitter", "outcome", "exit"),
		metricstest.Has("jobbox_runs_total", 1, "job", "_other", "outcome", "sleep"),
		metricstest.Has("jobbox_run_duration_seconds", 2, "outcome", "ok"),
		metricstest.Has("jobbox_run_start_lateness_seconds", 5),
		metricstest.Has("jobbox_run_guest_memory_bytes", 5),
		metricstest.Has("jobbox_deactivations_total", 1, "reason", "error"),
		metricstest.Has("jobbox_deactivations_total", 1, "reason", "exit"),
		metricstest.Has("jobbox_deactivations_total", 1, "reason", "admin"),
		metricstest.Has("jobbox_module_calls_total", 4, "module", "data"), // core.data("c") and :save, twice
		metricstest.Has("jobbox_module_calls_total", 1, "module", "network"),
		metricstest.Has("jobbox_grants_denied_total", 1, "module", "network"),
		metricstest.Has("jobbox_grants_denied_total", 0, "module", "data"),
		metricstest.Has("jobbox_store_write_seconds", 5, "op", "record_run"),
		metricstest.Has("jobbox_store_write_seconds", 1, "op", "save_job"),
		metricstest.Has("jobbox_jobs", 2, "state", "deactivated"),
		metricstest.Has("jobbox_jobs", 1, "state", "exited"),
		metricstest.Has("jobbox_jobs", 1, "state", "sleeping"),
		metricstest.Has("jobbox_jobs", 0, "state", "waiting"),
		metricstest.Has("jobbox_jobs_unlabelled", 1),
		metricstest.Has("jobbox_job_last_run_timestamp_seconds", float64(t0.Add(2*time.Minute).Unix()), "job", "saver"),
		metricstest.Has("jobbox_job_last_run_timestamp_seconds", float64(t0.Add(time.Minute).Unix()), "job", "quitter"),
	)
	for _, name := range []string{"jobbox_sandbox_instances_live", "jobbox_sandbox_instances_pooled", "jobbox_build_info"} {
		if _, ok := got.Value(name); !ok {
			t.Errorf("no %s", name)
		}
	}
	if _, ok := got.Value("jobbox_job_next_run_timestamp_seconds", "job", "saver"); ok {
		t.Error("a next run is shown for saver, deactivated")
	}
	metricstest.Promtool(t, body)
}

func awaitReports(t *testing.T, reports <-chan sched.Report, n int) {
	t.Helper()
	timeout := time.After(2 * time.Minute) // a hang guard only
	for range n {
		select {
		case <-reports:
		case <-timeout:
			t.Fatalf("the runs did not all finish within 2 minutes")
		}
	}
}

func get(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %v %s\n%s", url, err, resp.Status, body)
	}
	return body
}

// TestMetricsFollowReload: a reload that removes a job drops its series
// and gives its place to the next job in config order.
func TestMetricsFollowReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := "local job = core.job()\nfunction job.run() return job.OK end\nreturn job\n"
	if err := os.WriteFile(filepath.Join(dir, "ok.lua"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.toml")
	write := func(names ...string) {
		cfg := "state_dir = \"state\"\n[metrics]\nmax_job_labels = 1\n"
		for _, n := range names {
			cfg += "\n[[jobs]]\nname = \"" + n + "\"\nfile = \"ok.lua\"\ninterval = 3600\n"
		}
		if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a", "b")
	sandboxtest.SeedCache(t, filepath.Join(dir, "state", CacheDir))
	svc, err := Start(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(context.Background())
	if svc.MetricsAddr() != "" {
		t.Errorf("a [metrics] listener at %s; want none without listen", svc.MetricsAddr())
	}
	scrape := func() metricstest.Scrape {
		rec := httptest.NewRecorder()
		svc.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		return metricstest.Parse(t, rec.Body.Bytes())
	}
	got := scrape()
	if _, ok := got.Value("jobbox_runs_total", "job", "a"); !ok {
		t.Error("job a, first in the config, has no series")
	}
	if _, ok := got.Value("jobbox_job_next_run_timestamp_seconds", "job", "a"); !ok {
		t.Error("job a has no next run timestamp")
	}
	write("c", "b")
	if err := svc.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	got = scrape()
	for job, want := range map[string]bool{"a": false, "b": false, "c": true} {
		if _, ok := got.Value("jobbox_runs_total", "job", job); ok != want {
			t.Errorf("after the reload, job %s has series: %v, want %v", job, ok, want)
		}
	}
	if v, _ := got.Value("jobbox_jobs_unlabelled"); v != 1 {
		t.Errorf("jobbox_jobs_unlabelled = %v, want 1 (b)", v)
	}
}
