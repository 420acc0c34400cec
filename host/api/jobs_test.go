package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"testing"

	"github.com/jobbox/jobbox/host/api/apitest"
)

func (h *harness) getJSON(path string, out any) *http.Response {
	h.t.Helper()
	resp, body := h.do("GET", path, "", bearer(h.tokens[Viewer]))
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(body), out); err != nil {
			h.t.Fatalf("%s: %v in %q", path, err, body)
		}
	}
	return resp
}

func TestJobsPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 250)
	var seen []string
	after, pages := "", 0
	for {
		var page JobPage
		if resp := h.getJSON("/v1/jobs?limit=100&after="+after, &page); resp.StatusCode != http.StatusOK {
			t.Fatalf("page %d: %s", pages, resp.Status)
		}
		pages++
		for _, j := range page.Jobs {
			seen = append(seen, j.Name)
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	if pages != 3 || len(seen) != 250 || !sort.StringsAreSorted(seen) || !slices.Equal(seen, h.svc.names) {
		t.Fatalf("%d pages of %d jobs", pages, len(seen))
	}
	// Exactly a page's worth leaves no next page.
	var page JobPage
	h.getJSON("/v1/jobs?limit=50&after=job-000199", &page)
	if len(page.Jobs) != 50 || page.Next != "" {
		t.Fatalf("last full page: %d jobs, next %q", len(page.Jobs), page.Next)
	}
}

func TestJobsFilters(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 250)
	var page JobPage
	h.getJSON("/v1/jobs?state=deactivated&limit=10", &page)
	if len(page.Jobs) != 10 || page.Jobs[1].Name != "job-000010" || page.Next != "job-000090" {
		t.Fatalf("state filter: %+v next %q", page.Jobs, page.Next)
	}
	page = JobPage{}
	h.getJSON("/v1/jobs?name=-00012", &page)
	if len(page.Jobs) != 10 || page.Jobs[0].Name != "job-000120" || page.Next != "" {
		t.Fatalf("name filter: %+v", page.Jobs)
	}
	for _, bad := range []string{"0", "1001", "x", "-1"} {
		resp, body := h.do("GET", "/v1/jobs?limit="+bad, "", bearer(h.tokens[Viewer]))
		if e := decodeError(t, body); resp.StatusCode != http.StatusBadRequest || e.Field != "limit" {
			t.Errorf("limit=%s: %s %+v", bad, resp.Status, e)
		}
	}
}

func TestOneJobAndItsRuns(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 3)
	var j Job
	if resp := h.getJSON("/v1/jobs/job-000002", &j); resp.StatusCode != http.StatusOK || j.Name != "job-000002" || j.Config == nil {
		t.Fatalf("one job: %s %+v", resp.Status, j)
	}
	for _, p := range []string{"/v1/jobs/nope", "/v1/jobs/nope/runs"} {
		resp, body := h.do("GET", p, "", bearer(h.tokens[Viewer]))
		if e := decodeError(t, body); resp.StatusCode != http.StatusNotFound || e.Field != "name" {
			t.Errorf("%s: %s %+v", p, resp.Status, e)
		}
	}
	var runs RunPage
	h.getJSON("/v1/jobs/job-000002/runs?limit=20&before=11", &runs)
	if len(runs.Runs) != 10 || runs.Next != 0 || !runs.Runs[0].Start.Equal(h.svc.runs[40].Start) {
		t.Fatalf("last page of runs: %d runs, next %d", len(runs.Runs), runs.Next)
	}
	runs = RunPage{}
	h.getJSON("/v1/jobs/job-000002/runs?limit=20", &runs)
	if len(runs.Runs) != 20 || runs.Next != 31 {
		t.Fatalf("first page of runs: %d runs, next %d", len(runs.Runs), runs.Next)
	}
}

func TestActivateDeactivateReload(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 3)
	op := bearer(h.tokens[Operator])
	for path, want := range map[string]bool{"/v1/jobs/job-000001/deactivate": false, "/v1/jobs/job-000002/activate": true} {
		if resp, body := h.do("POST", path, "", op); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s %s", path, resp.Status, body)
		}
		name := path[len("/v1/jobs/") : len("/v1/jobs/")+len("job-000001")]
		if got, ok := h.svc.active[name]; !ok || got != want {
			t.Errorf("%s: active %v %v", path, got, ok)
		}
	}
	if resp, _ := h.do("POST", "/v1/jobs/nope/activate", "", op); resp.StatusCode != http.StatusNotFound {
		t.Errorf("activate unknown: %s", resp.Status)
	}
	var st Status
	resp, body := h.do("POST", "/v1/reload", "", op)
	if json.Unmarshal([]byte(body), &st); resp.StatusCode != http.StatusOK || st.Status != "running" {
		t.Fatalf("reload: %s %s", resp.Status, body)
	}
	resp, body = h.do("POST", "/v1/reload", "", op)
	if e := decodeError(t, body); resp.StatusCode != http.StatusUnprocessableEntity || e.Error != "config.toml:3:1: a test error" {
		t.Fatalf("refused reload: %s %s", resp.Status, body)
	}
}

// BenchmarkJobsAt100k measures a page of the jobs list (first, middle,
// filtered by state) and one job's page, at 100,000 configured jobs, and
// reports the p50 and p99 of one request through the whole handler.
func BenchmarkJobsAt100k(b *testing.B) {
	svc := newFakeService(100_000)
	srv := New(Options{Service: svc})
	tok, hash := NewToken()
	srv.SetCredentials(nil, []Token{{Name: "b", Role: Viewer, Hash: hash}})
	apitest.BenchGets(b, srv.Handler(), tok, "/v1/jobs", "/v1/jobs?after=job-050000",
		"/v1/jobs?state=deactivated&after=job-090000", "/v1/jobs?name=job-0999", "/v1/jobs/job-054321")
}
