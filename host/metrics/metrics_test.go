package metrics

import (
	"fmt"
	"io"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/metrics/metricstest"
)

var t0 = time.Date(2027, 1, 3, 10, 0, 0, 0, time.UTC)

// fakeJobs is a Source.Jobs over a fixed list.
func fakeJobs(jobs ...Job) func(named []string) (map[string]int, []Job) {
	return func(named []string) (map[string]int, []Job) {
		byState := map[string]int{}
		var out []Job
		for _, j := range jobs {
			byState[j.State]++
			if slices.Contains(named, j.Name) {
				out = append(out, j)
			}
		}
		return byState, out
	}
}

// scrape serves one GET /metrics and returns the body.
func scrape(t testing.TB, m *Metrics) []byte {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// TestRunsByJobWithinTheBound: the first MaxJobLabels configured jobs get
// series of their own, the others count under "_other", and the scrape
// reads the jobs' states and times from the source.
func TestRunsByJobWithinTheBound(t *testing.T) {
	t.Parallel()
	jobs := []Job{
		{Name: "a", State: "waiting", Next: t0.Add(time.Minute), Last: t0},
		{Name: "b", State: "deactivated", Last: t0},
		{Name: "c", State: "waiting", Next: t0.Add(time.Hour)},
	}
	m := New(Options{MaxJobLabels: 2, Modules: []string{"data", "mysql"}, Source: Source{
		Jobs:      fakeJobs(jobs...),
		Instances: func() (int, int) { return 9, 8 },
	}})
	m.SetJobs([]string{"a", "b", "c"})
	m.ObserveRun(Run{Job: "a", Outcome: "OK", Duration: time.Millisecond, Lateness: 80 * time.Microsecond, Memory: 3 << 20})
	m.ObserveRun(Run{Job: "a", Outcome: "OK", Duration: time.Millisecond, Lateness: 80 * time.Microsecond})
	m.ObserveRun(Run{Job: "b", Outcome: "ERROR", Duration: time.Second, Lateness: 2 * time.Millisecond, Deactivated: "error"})
	m.ObserveRun(Run{Job: "c", Outcome: "EXIT", Deactivated: "exit"})
	m.ObserveRun(Run{Job: "gone", Outcome: "nonsense"})
	m.ModuleCall("data", false)
	m.ModuleCall("mysql", true)
	m.ModuleCall("made-up", true)
	m.Deactivated("admin")
	m.StoreWrite("record_run", 300*time.Microsecond)

	got := metricstest.Parse(t, scrape(t, m))
	got.Check(t,
		metricstest.Has("jobbox_runs_total", 2, "job", "a", "outcome", "ok"),
		metricstest.Has("jobbox_runs_total", 0, "job", "a", "outcome", "error"),
		metricstest.Has("jobbox_runs_total", 1, "job", "b", "outcome", "error"),
		metricstest.Has("jobbox_runs_total", 1, "job", "_other", "outcome", "exit"),
		metricstest.Has("jobbox_runs_total", 1, "job", "_other", "outcome", "error"),
		metricstest.Has("jobbox_run_duration_seconds", 2, "outcome", "ok"),
		metricstest.Has("jobbox_run_start_lateness_seconds", 5),
		metricstest.Has("jobbox_run_guest_memory_bytes", 5),
		metricstest.Has("jobbox_deactivations_total", 1, "reason", "error"),
		metricstest.Has("jobbox_deactivations_total", 1, "reason", "exit"),
		metricstest.Has("jobbox_deactivations_total", 1, "reason", "admin"),
		metricstest.Has("jobbox_module_calls_total", 1, "module", "data"),
		metricstest.Has("jobbox_module_calls_total", 1, "module", "mysql"),
		metricstest.Has("jobbox_module_calls_total", 1, "module", "other"),
		metricstest.Has("jobbox_grants_denied_total", 0, "module", "data"),
		metricstest.Has("jobbox_grants_denied_total", 1, "module", "mysql"),
		metricstest.Has("jobbox_store_write_seconds", 1, "op", "record_run"),
		metricstest.Has("jobbox_jobs", 2, "state", "waiting"),
		metricstest.Has("jobbox_jobs", 1, "state", "deactivated"),
		metricstest.Has("jobbox_jobs", 0, "state", "once-done"),
		metricstest.Has("jobbox_jobs_unlabelled", 1),
		metricstest.Has("jobbox_job_next_run_timestamp_seconds", float64(t0.Add(time.Minute).Unix()), "job", "a"),
		metricstest.Has("jobbox_job_last_run_timestamp_seconds", float64(t0.Unix()), "job", "b"),
		metricstest.Has("jobbox_sandbox_instances_live", 9),
		metricstest.Has("jobbox_sandbox_instances_pooled", 8),
		metricstest.Has("jobbox_build_info", 1, "abi_version", "1.2"),
	)
	for _, absent := range [][]string{
		{"jobbox_job_next_run_timestamp_seconds", "job", "b"}, // no run scheduled
		{"jobbox_job_next_run_timestamp_seconds", "job", "c"}, // past the bound
		{"jobbox_runs_total", "job", "c"},
		{"jobbox_runs_total", "job", "gone"},
	} {
		if v, ok := got.Value(absent[0], absent[1:]...); ok {
			t.Errorf("%s%v = %v, want no such series", absent[0], absent[1:], v)
		}
	}
	// Lateness of 80µs lands below 100µs: sub-millisecond lateness shows.
	if n := got.Bucket("jobbox_run_start_lateness_seconds", 0.0001); n != 4 {
		t.Errorf("lateness ≤ 100µs: %d runs, want 4 (two at 80µs, two at 0)", n)
	}
}

// TestReloadFreesLabels: a job a reload removes loses its series, and its
// place goes to the first job without one, in config order.
func TestReloadFreesLabels(t *testing.T) {
	t.Parallel()
	m := New(Options{MaxJobLabels: 2})
	m.SetJobs([]string{"a", "b", "c", "d"})
	m.ObserveRun(Run{Job: "a", Outcome: "OK"})
	m.ObserveRun(Run{Job: "b", Outcome: "OK"})
	m.SetJobs([]string{"d", "b", "c"})
	m.ObserveRun(Run{Job: "b", Outcome: "OK"})
	m.ObserveRun(Run{Job: "d", Outcome: "OK"})
	m.ObserveRun(Run{Job: "c", Outcome: "OK"})
	got := metricstest.Parse(t, scrape(t, m))
	want := map[string]float64{"b": 2, "d": 1, "_other": 1}
	for job, n := range want {
		if v, _ := got.Value("jobbox_runs_total", "job", job, "outcome", "ok"); v != n {
			t.Errorf("runs of %s: %v, want %v", job, v, n)
		}
	}
	for _, job := range []string{"a", "c"} {
		if _, ok := got.Value("jobbox_runs_total", "job", job); ok {
			t.Errorf("job %s has series; want it under _other or gone", job)
		}
	}
	if n := got.Series("jobbox_runs_total"); n != 3*len(outcomes) {
		t.Errorf("%d series of jobbox_runs_total, want %d (b, d and _other by outcome)", n, 3*len(outcomes))
	}
}

// TestPromtoolAcceptsTheOutput runs `promtool check metrics` (Debian's
// prometheus package) on a scrape with every metric holding samples.
func TestPromtoolAcceptsTheOutput(t *testing.T) {
	t.Parallel()
	m := New(Options{MaxJobLabels: 1, Modules: []string{"data"}, Source: Source{
		Jobs:      fakeJobs(Job{Name: "a", State: "waiting", Next: t0, Last: t0}, Job{Name: "b", State: "once-done"}),
		Instances: func() (int, int) { return 1, 1 },
	}})
	m.SetJobs([]string{"a", "b"})
	m.ObserveRun(Run{Job: "a", Outcome: "OK", Duration: time.Millisecond, Lateness: time.Microsecond, Memory: 1 << 20})
	m.ObserveRun(Run{Job: "b", Outcome: "ERROR", Deactivated: "error"})
	m.ModuleCall("data", true)
	m.StoreWrite("save_job", time.Millisecond)
	metricstest.Promtool(t, scrape(t, m))
}

// BenchmarkObserveRun is what each finished run costs the scheduler's
// report.
func BenchmarkObserveRun(b *testing.B) {
	m := New(Options{MaxJobLabels: 1000})
	names := make([]string, 1500)
	for i := range names {
		names[i] = fmt.Sprintf("job-%06d", i)
	}
	m.SetJobs(names)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			m.ObserveRun(Run{Job: names[i%len(names)], Outcome: "OK", Duration: time.Millisecond, Lateness: 100 * time.Microsecond, Memory: 1 << 22})
			i++
		}
	})
}

// BenchmarkScrape is one scrape of a service with 1,500 configured jobs
// (the scheduler bench's load) and with 100,000, 1,000 of them labelled,
// as Prometheus asks for it: gzip-compressed text.
func BenchmarkScrape(b *testing.B) {
	for _, n := range []int{1500, 100_000} {
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) { benchmarkScrape(b, n) })
	}
}

func benchmarkScrape(b *testing.B, n int) {
	jobs := make([]Job, n)
	names := make([]string, len(jobs))
	for i := range jobs {
		names[i] = fmt.Sprintf("job-%06d", i)
		jobs[i] = Job{Name: names[i], State: "waiting", Next: t0.Add(time.Duration(i) * time.Second), Last: t0}
	}
	byName := make(map[string]Job, len(jobs))
	for _, j := range jobs {
		byName[j.Name] = j
	}
	// What the scheduler's census does: a pass over every job, a lookup
	// per labelled one.
	census := func(named []string) (map[string]int, []Job) {
		byState := map[string]int{}
		for _, j := range jobs {
			byState[j.State]++
		}
		out := make([]Job, 0, len(named))
		for _, n := range named {
			out = append(out, byName[n])
		}
		return byState, out
	}
	m := New(Options{MaxJobLabels: 1000, Source: Source{Jobs: census}})
	m.SetJobs(names)
	for i, name := range names[:min(n, 1000)] {
		m.ObserveRun(Run{Job: name, Outcome: outcomes[i%len(outcomes)], Duration: time.Millisecond})
	}
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		m.Handler().ServeHTTP(rec, req)
		_, _ = io.Copy(io.Discard, rec.Body)
	}
}

// TestConcurrentUse: runs reported, scrapes and reloads at once leave the
// counts whole (run it with -race).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	names := []string{"a", "b", "c", "d"}
	m := New(Options{MaxJobLabels: 2, Modules: []string{"data"}, Source: Source{
		Jobs:      fakeJobs(Job{Name: "a", State: "waiting", Next: t0}, Job{Name: "c", State: "running"}),
		Instances: func() (int, int) { return 1, 0 },
	}})
	m.SetJobs(names)
	const perWorker = 500
	done := make(chan struct{})
	for w := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range perWorker {
				m.ObserveRun(Run{Job: names[(w+i)%len(names)], Outcome: "OK"})
				m.ModuleCall("data", i%2 == 0)
			}
		}()
	}
	go func() {
		defer func() { done <- struct{}{} }()
		for i := range 20 {
			m.SetJobs(names[i%2:]) // a, b, c, d then b, c, d: labels move
			rec := httptest.NewRecorder()
			m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
			if rec.Code != 200 {
				t.Errorf("GET /metrics during runs and reloads: %d %s", rec.Code, rec.Body)
			}
		}
		m.SetJobs(names)
	}()
	for range 5 {
		<-done
	}
	got := metricstest.Parse(t, scrape(t, m))
	total := 0.0
	for _, job := range append(names, OverflowJob) {
		v, _ := got.Value("jobbox_runs_total", "job", job, "outcome", "ok")
		total += v
	}
	// Series of a job dropped by a reload take their counts with them, so
	// the total is at most what was reported; the module counts are whole.
	if total > 4*perWorker || total == 0 {
		t.Errorf("%v runs counted, want between 1 and %d", total, 4*perWorker)
	}
	if v, _ := got.Value("jobbox_module_calls_total", "module", "data"); v != 4*perWorker {
		t.Errorf("%v module calls counted, want %d", v, 4*perWorker)
	}
	if v, _ := got.Value("jobbox_grants_denied_total", "module", "data"); v != 2*perWorker {
		t.Errorf("%v denied calls counted, want %d", v, 2*perWorker)
	}
}
