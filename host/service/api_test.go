package service

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/sandbox/sandboxtest"
)

// TestServeAPI: with ServeAPI the service listens on [admin] listen; with
// no user it logs a one-time link that signs in, a configured token reads
// the jobs, and a reload puts new tokens in force.
func TestServeAPI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sandboxtest.SeedCache(t, filepath.Join(dir, "state", CacheDir))
	if err := os.WriteFile(filepath.Join(dir, "ok.lua"), []byte("return job.OK\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.toml")
	base := "[admin]\nlisten = \"127.0.0.1:0\"\n\n[[jobs]]\nname = \"a\"\nfile = \"ok.lua\"\ninterval = 3600\n"
	if err := os.WriteFile(path, []byte(base), 0o644); err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	svc, err := Start(context.Background(), path, Options{ServeAPI: true, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(context.Background())
	link := regexp.MustCompile(`"url":"(http://127\.0\.0\.1:\d+/login\?token=[^"]+)"`).FindStringSubmatch(log.String())
	if link == nil || !strings.HasPrefix(link[1], svc.APIURL()) {
		t.Fatalf("no login link in the log:\n%s", log.String())
	}
	u, _ := url.Parse(link[1])
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(svc.APIURL()+"/v1/login", url.Values{"setup_token": {u.Query().Get("token")}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 {
		t.Fatalf("setup login: %s", resp.Status)
	}

	token, hash := api.NewToken()
	cfg := strings.Replace(base, "\n\n", "\n[[admin.tokens]]\nname = \"ci\"\nrole = \"viewer\"\ntoken_hash = \""+hash+"\"\n\n", 1)
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	get := func() (*http.Response, api.JobPage) {
		req, _ := http.NewRequest("GET", svc.APIURL()+"/v1/jobs", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var page api.JobPage
		_ = json.NewDecoder(resp.Body).Decode(&page)
		return resp, page
	}
	if resp, _ := get(); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a token before the reload: %s", resp.Status)
	}
	if err := svc.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	resp, page := get()
	if resp.StatusCode != http.StatusOK || len(page.Jobs) != 1 || page.Jobs[0].Name != "a" {
		t.Fatalf("jobs with the token: %s %+v", resp.Status, page)
	}
	var job api.Job
	getJSON(t, svc.APIURL()+"/v1/jobs/a", token, &job)
	if job.Config == nil || job.Config.Limits["timeout_s"] != 30.0 || job.State != "waiting" {
		t.Fatalf("one job: %+v %+v", job, job.Config)
	}
	var runs api.RunPage
	getJSON(t, svc.APIURL()+"/v1/jobs/a/runs", token, &runs)
	if runs.Runs == nil {
		t.Fatalf("runs: %+v", runs)
	}
	var st api.Status
	getJSON(t, svc.APIURL()+"/v1/status", token, &st)
	if st.Status != "running" || st.Config != path || st.ABIVersion == "" || st.Started.IsZero() || st.Jobs != 1 {
		t.Fatalf("status: %+v", st)
	}
	// A viewer's token scrapes the metrics on the admin listener.
	req, _ := http.NewRequest("GET", svc.APIURL()+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "jobbox_build_info") {
		t.Fatalf("/metrics with a viewer token: %s\n%.300s", resp.Status, body)
	}
}

func getJSON(t *testing.T, url, token string, out any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

// TestOpenAPIComplete: the service's whole route set and openapi.json
// describe the same operations with the same roles.
func TestOpenAPIComplete(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sandboxtest.SeedCache(t, filepath.Join(dir, "state", CacheDir))
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	svc, err := Start(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Stop(context.Background())
	undocumented, unserved, err := api.Documented(svc.API().Routes())
	if err != nil || len(undocumented)+len(unserved) > 0 {
		t.Fatalf("undocumented %q, unserved %q, %v", undocumented, unserved, err)
	}
}
