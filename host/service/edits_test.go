package service

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/host/api"
)

// TestEditJobsOverHTTP: a job created through the API runs from the
// template after the reload the edit makes; an update needs the file's
// ETag; code with a syntax error is refused with its line and column and
// nothing written; tried code runs without being saved; a delete takes
// the job off; every change is in the audit log with its actor.
func TestEditJobsOverHTTP(t *testing.T) {
	t.Parallel()
	w := startWired(t)
	var edit api.Edit
	resp := w.do(t, "POST", "/v1/jobs", `{"name":"fresh","file":"jobs/fresh.lua","interval":"60","run_once":false,"active":true,"grants":{}}`, &edit)
	if resp.StatusCode != http.StatusCreated || edit.CreatedFile == "" || resp.Header.Get("ETag") != edit.ETag {
		t.Fatalf("create: %s %+v", resp.Status, edit)
	}
	var job api.Job
	if resp := w.do(t, "GET", "/v1/jobs/fresh", "", &job); resp.StatusCode != http.StatusOK || job.IntervalS != 60 {
		t.Fatalf("the new job after the reload: %s %+v", resp.Status, job)
	}
	var bad api.ErrorBody
	if resp := w.do(t, "POST", "/v1/jobs", `{"name":"worse","file":"jobs/worse.lua","interval":0}`, &bad); resp.StatusCode != http.StatusUnprocessableEntity || bad.Field != "interval" || len(bad.Problems) == 0 {
		t.Fatalf("an invalid job: %s %+v", resp.Status, bad)
	}

	var fields api.Fields
	resp = w.do(t, "GET", "/v1/jobs/fresh/config", "", &fields)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != http.StatusOK || fields["file"] != "jobs/fresh.lua" || etag == "" {
		t.Fatalf("config: %s %v %q", resp.Status, fields, etag)
	}
	if resp := w.do(t, "PUT", "/v1/jobs/fresh", `{"file":"jobs/fresh.lua","interval":120}`, nil, "If-Match", `"stale"`); resp.StatusCode != http.StatusConflict {
		t.Fatalf("a stale ETag: %s", resp.Status)
	}
	if resp := w.do(t, "PUT", "/v1/jobs/fresh", `{"file":"jobs/fresh.lua","interval":120}`, &edit, "If-Match", etag); resp.StatusCode != http.StatusOK {
		t.Fatalf("update: %s", resp.Status)
	}
	if w.do(t, "GET", "/v1/jobs/fresh", "", &job); job.IntervalS != 120 {
		t.Fatalf("after the update: %+v", job)
	}

	var code api.Code
	resp = w.do(t, "GET", "/v1/jobs/fresh/code", "", &code)
	if resp.StatusCode != http.StatusOK || !strings.Contains(code.Code, "core.job()") || resp.Header.Get("ETag") != code.ETag {
		t.Fatalf("code: %s %+v", resp.Status, code)
	}
	if resp := w.do(t, "PUT", "/v1/jobs/fresh/code", `{"code":"local job = core.job()\nfunction job.run(\n"}`, &bad, "If-Match", code.ETag); resp.StatusCode != http.StatusUnprocessableEntity ||
		len(bad.Problems) == 0 || bad.Problems[0].Line == 0 {
		t.Fatalf("a syntax error: %s %+v", resp.Status, bad)
	}
	if src, _ := os.ReadFile(filepath.Join(w.dir, "jobs", "fresh.lua")); string(src) != code.Code {
		t.Fatalf("refused code was written: %q", src)
	}
	var saved api.Code
	if resp := w.do(t, "PUT", "/v1/jobs/fresh/code", `{"code":`+jsonMarshal(okLua)+`}`, &saved, "If-Match", code.ETag); resp.StatusCode != http.StatusOK || saved.ETag == code.ETag {
		t.Fatalf("save: %s %+v", resp.Status, saved)
	}
	tryLua := "local job = core.job()\nfunction job.run()\n  core.log(\"tried\")\n  return job.STOP\nend\nreturn job\n"
	var tried api.TryResult
	if resp := w.do(t, "POST", "/v1/jobs/fresh/try", `{"code":`+jsonMarshal(tryLua)+`}`, &tried); resp.StatusCode != http.StatusOK || tried.Status != "STOP" || len(tried.Logs) != 1 {
		t.Fatalf("try: %s %+v", resp.Status, tried)
	}
	if src, _ := os.ReadFile(filepath.Join(w.dir, "jobs", "fresh.lua")); string(src) != okLua {
		t.Fatalf("tried code was written: %q", src)
	}

	if resp := w.do(t, "DELETE", "/v1/jobs/fresh", "", nil); resp.StatusCode != http.StatusPreconditionRequired {
		t.Fatalf("a delete without If-Match: %s", resp.Status)
	}
	if resp := w.do(t, "DELETE", "/v1/jobs/fresh", "", nil, "If-Match", edit.ETag); resp.StatusCode != http.StatusOK {
		t.Fatalf("delete: %s", resp.Status)
	}
	if resp := w.do(t, "GET", "/v1/jobs/fresh", "", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a deleted job: %s", resp.Status)
	}
	var audit api.AuditPage
	w.do(t, "GET", "/v1/audit", "", &audit)
	var actions []string
	for _, e := range audit.Entries {
		if e.Actor != "ci" {
			t.Fatalf("entry %+v", e)
		}
		if e.Action != "reload" {
			actions = append(actions, e.Action)
		}
	}
	want := "job-delete job-delete code-try code-save code-save job-update job-update job-create job-create"
	if strings.Join(actions, " ") != want {
		t.Fatalf("audit actions %q, want %q", strings.Join(actions, " "), want)
	}
}
