package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// fakeEditor records what the handlers hand it.
type fakeEditor struct {
	mu      sync.Mutex
	target  string
	fields  Fields
	ifMatch string
}

func (f *fakeEditor) JobFields(_ context.Context, name string) (Fields, string, error) {
	return Fields{"name": name}, `"e1"`, nil
}
func (f *fakeEditor) CreateJob(_ context.Context, target string, fields Fields) (Edit, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.target, f.fields = target, fields
	return Edit{Job: "x", ETag: `"e2"`}, nil
}
func (f *fakeEditor) UpdateJob(_ context.Context, name string, fields Fields, ifMatch string) (Edit, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fields, f.ifMatch = fields, ifMatch
	if ifMatch != `"e1"` {
		return Edit{}, &Error{Status: http.StatusConflict, Err: context.Canceled}
	}
	return Edit{Job: name, ETag: `"e3"`}, nil
}
func (f *fakeEditor) DeleteJob(context.Context, string, string) (Edit, error) { return Edit{}, nil }
func (f *fakeEditor) Code(context.Context, string) (Code, error) {
	return Code{Code: "return 1", ETag: `"c1"`}, nil
}
func (f *fakeEditor) SaveCode(_ context.Context, _, code, _ string) (Code, error) {
	return Code{}, &Error{Status: http.StatusUnprocessableEntity, Err: context.Canceled,
		Problems: []Problem{{Line: 2, Column: 5, Message: "unexpected symbol"}}}
}
func (f *fakeEditor) TryCode(context.Context, string, string) (TryResult, error) {
	return TryResult{Status: "OK", Logs: []string{}}, nil
}

// TestEditHandlers: the form's fields reach the editor as TOML values
// (interval as whole seconds, target apart, empty tables dropped), ETags
// travel as headers, and problems keep their line and column.
func TestEditHandlers(t *testing.T) {
	t.Parallel()
	ed := &fakeEditor{}
	h := newHarness(t, 2, func(o *Options, _ *fakeService) { o.Editor = ed })
	admin := bearer(h.tokens[Admin])
	resp, body := h.do("POST", "/v1/jobs", `{"name":"x","file":"jobs/x.lua","interval":"60","run_once":false,"active":true,"grants":{},"limits":{"memory":"8MiB","timeout":2.0},"target":"conf.d/x.toml"}`, admin)
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("ETag") != `"e2"` {
		t.Fatalf("create: %s %s", resp.Status, body)
	}
	want := Fields{"name": "x", "file": "jobs/x.lua", "interval": int64(60), "run_once": false, "active": true,
		"limits": map[string]any{"memory": "8MiB", "timeout": int64(2)}}
	if ed.target != "conf.d/x.toml" || !reflect.DeepEqual(ed.fields, want) {
		t.Fatalf("create got %q %#v", ed.target, ed.fields)
	}
	resp, _ = h.do("GET", "/v1/jobs/job-000001/config", "", admin)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") != `"e1"` {
		t.Fatalf("config: %s", resp.Status)
	}
	put := func(etag string) *http.Response {
		resp, _ := h.do("PUT", "/v1/jobs/job-000001", `{"interval":"1h"}`, func(r *http.Request) { admin(r); r.Header.Set("If-Match", etag) })
		return resp
	}
	if resp := put(`"old"`); resp.StatusCode != http.StatusConflict {
		t.Fatalf("a stale update: %s", resp.Status)
	}
	if resp := put(`"e1"`); resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") != `"e3"` || ed.fields["interval"] != "1h" {
		t.Fatalf("update: %s %v", resp.Status, ed.fields)
	}
	resp, body = h.do("PUT", "/v1/jobs/job-000001/code", `{"code":"x"}`, admin)
	if e := decodeError(t, body); resp.StatusCode != http.StatusUnprocessableEntity || len(e.Problems) != 1 || e.Problems[0].Column != 5 {
		t.Fatalf("bad code: %s %s", resp.Status, body)
	}
	for _, b := range []string{`[`, `{}`, `{"code":1}`} {
		if resp, body := h.do("POST", "/v1/jobs/job-000001/try", b, admin); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("try %s: %s %s", b, resp.Status, body)
		}
	}
}

// FuzzJobBody sends arbitrary bodies to the job and code edits: each is
// answered with a documented status, never a panic.
func FuzzJobBody(f *testing.F) {
	f.Add(`{"name":"x","interval":"60","limits":{"memory":1e3}}`)
	f.Add(`{"interval":[1,[2.5,{"a":{}}]]}`)
	f.Add(`{"code":"return"}`)
	f.Add(`{"interval":1e400}`)
	f.Add(`null`)
	ed := &fakeEditor{}
	srv := New(Options{Service: newFakeService(1), Editor: ed})
	h := srv.LocalHandler()
	f.Fuzz(func(t *testing.T, body string) {
		for _, rt := range [][2]string{{"POST", "/v1/jobs"}, {"PUT", "/v1/jobs/job-000000"}, {"PUT", "/v1/jobs/job-000000/code"}, {"POST", "/v1/jobs/job-000000/try"}} {
			req := httptest.NewRequest(rt[0], rt[1], strings.NewReader(body))
			req.Header.Set("If-Match", `"e1"`)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			switch w.Code {
			case http.StatusOK, http.StatusCreated, http.StatusBadRequest, http.StatusUnprocessableEntity:
			default:
				t.Fatalf("%s %s %q: %d %s", rt[0], rt[1], body, w.Code, w.Body)
			}
		}
	})
}
