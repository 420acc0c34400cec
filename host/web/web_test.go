package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/web"
	"github.com/jobbox/jobbox/host/web/mock"
)

// fleet is a mock backend of n jobs, job-00000 to job-(n-1), paged by name.
func fleet(n int) *mock.Backend {
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	jobs := make([]web.Job, n)
	states := []string{"waiting", "sleeping", "stopped", "exited", "once-pending", "once-done", "running", "deactivated"}
	for i := range jobs {
		jobs[i] = web.Job{
			Name: fmt.Sprintf("job-%05d", i), File: fmt.Sprintf("jobs/job-%05d.lua", i), Interval: 90 * time.Second,
			Active: true, State: states[i%len(states)], LastStatus: "OK", LastRun: at, NextRun: at.Add(90 * time.Second), Runs: int64(i),
		}
	}
	return &mock.Backend{
		StatusFunc: func(context.Context) (web.Status, error) {
			return web.Status{State: "running", Host: "box", ByState: map[string]int{"waiting": n - 1, "exited": 1}}, nil
		},
		JobsFunc: func(_ context.Context, f web.JobFilter) (web.JobPage, error) {
			var match []web.Job
			for _, j := range jobs {
				if strings.Contains(j.Name, f.Name) && (f.State == "" || f.State == j.State) {
					match = append(match, j)
				}
			}
			from := sort.Search(len(match), func(i int) bool { return match[i].Name > f.Cursor })
			page := web.JobPage{Total: len(match), Jobs: match[from:min(from+f.Limit, len(match))]}
			if from+f.Limit < len(match) {
				page.Next = page.Jobs[len(page.Jobs)-1].Name
			}
			return page, nil
		},
		JobFunc: func(_ context.Context, name string) (web.JobDetail, error) {
			for _, j := range jobs {
				if j.Name == name {
					return web.JobDetail{Job: j, LastError: "jobs/x.lua:3: boom", Grants: map[string][]string{"mysql": {"shop"}}}, nil
				}
			}
			return web.JobDetail{}, web.ErrNotFound
		},
	}
}

// serve serves the dashboard for a user of role ("" for no session), with
// the API routes a test fakes beside it.
func serve(t *testing.T, b web.Backend, role string, api ...map[string]http.HandlerFunc) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/", web.Handler(b, web.Options{Identify: func(r *http.Request) (web.Identity, bool) {
		return web.Identity{User: "ann", Role: role}, role != ""
	}}))
	for _, routes := range api {
		for pattern, h := range routes {
			mux.HandleFunc(pattern, h)
		}
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestPagesRender(t *testing.T) {
	t.Parallel()
	srv := serve(t, fleet(250), "admin")
	for _, tc := range []struct{ path, want string }{
		{"/jobs", `href="/jobs/job-00099"`},
		{"/jobs?cursor=job-00099", `href="/jobs/job-00100"`},
		{"/jobs?state=exited", "Is not active, and will not run until reactivated manually."},
		{"/audit", `<a href="/jobs?state=exited" class="tone-bad" title="Exited: 1">`},
		{"/jobs/job-00003", "jobs/x.lua:3: boom"},
		{"/jobs/job-00003/edit", `id="job-form"`},
		{"/jobs/job-00003/code", `id="editor"`},
		{"/jobs/new", "Create"},
		{"/audit", "Nothing changed yet."},
		{"/login?next=//evil.example", `data-next="/jobs"`},
		{"/assets/style.css", "prefers-color-scheme"},
	} {
		code, body := get(t, srv.URL+tc.path)
		if code != 200 || !strings.Contains(body, tc.want) {
			t.Errorf("GET %s: %d, want 200 with %q:\n%.400s", tc.path, code, tc.want, body)
		}
	}
	if code, _ := get(t, srv.URL+"/jobs/nope"); code != http.StatusNotFound {
		t.Errorf("GET /jobs/nope: %d, want 404", code)
	}
}

func TestWithoutSessionGoesToLogin(t *testing.T) {
	t.Parallel()
	srv := serve(t, fleet(1), "")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(srv.URL + "/jobs/job-00000")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/login?next=%2Fjobs%2Fjob-00000" {
		t.Errorf("got %d to %q, want 303 to the login page", res.StatusCode, loc)
	}
}

func TestViewerSeesNoEditControls(t *testing.T) {
	t.Parallel()
	srv := serve(t, fleet(3), "viewer")
	for _, path := range []string{"/jobs", "/jobs/job-00001", "/jobs/job-00001/code"} {
		_, body := get(t, srv.URL+path)
		for _, control := range []string{"New Job", `data-action=`, `id="reload"`, `id="save-code"`, `id="try-run"`} {
			if strings.Contains(body, control) {
				t.Errorf("a viewer's %s has %q", path, control)
			}
		}
	}
}

// BenchmarkJobList renders the first page of the list of 10,000 jobs.
func BenchmarkJobList(b *testing.B) {
	h := web.Handler(fleet(10000), web.Options{Identify: func(*http.Request) (web.Identity, bool) { return web.Identity{User: "a", Role: "admin"}, true }})
	req := httptest.NewRequest("GET", "/jobs", nil)
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

func TestDurationsReadAsOperatorsWriteThem(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		90 * time.Second: "1m30s", time.Hour: "1h", 24 * time.Hour: "24h", time.Hour + 5*time.Second: "1h5s",
		1500 * time.Microsecond: "1.5ms", 20 * time.Microsecond: "20µs", 2500 * time.Millisecond: "2.5s", 0: "0",
	} {
		if got := web.FormatDuration(d); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}
