package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// pageSize is how many jobs or runs one page lists: enough to scan, few
// enough that a list of 100,000 jobs renders as fast as one of 100.
const pageSize = 100

func (h *handler) jobs(ctx context.Context, r *http.Request, v *view) (string, error) {
	q := r.URL.Query()
	v.Title = "Jobs"
	v.Filter = JobFilter{Page: Page{Cursor: q.Get("cursor"), Limit: pageSize}, State: q.Get("state"), Name: q.Get("name")}
	page, err := h.b.Jobs(ctx, v.Filter)
	if err != nil {
		return "", err
	}
	v.Page = page
	v.First = listURL(v.Filter, "")
	if page.Next != "" {
		v.NextURL = listURL(v.Filter, page.Next)
	}
	return "jobs.html", nil
}

// listURL is the address of a page of the job list under the same filter.
func listURL(f JobFilter, cursor string) string {
	q := url.Values{}
	for k, val := range map[string]string{"name": f.Name, "state": f.State, "cursor": cursor} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if len(q) == 0 {
		return "/jobs"
	}
	return "/jobs?" + q.Encode()
}

func (h *handler) job(ctx context.Context, r *http.Request, v *view) (string, error) {
	name := r.PathValue("name")
	job, err := h.b.Job(ctx, name)
	if err != nil {
		return "", err
	}
	runs, err := h.b.Runs(ctx, name, Page{Cursor: r.URL.Query().Get("runs"), Limit: pageSize})
	if err != nil {
		return "", err
	}
	v.Title, v.Job, v.Runs = name, job, runs
	return "job.html", nil
}

func (h *handler) newJob(_ context.Context, _ *http.Request, v *view) (string, error) {
	v.Title, v.New = "New Job", true
	v.Job.Interval = 60e9
	v.Job.Active = true
	return "jobform.html", nil
}

func (h *handler) editJob(ctx context.Context, r *http.Request, v *view) (string, error) {
	job, err := h.b.Job(ctx, r.PathValue("name"))
	if err != nil {
		return "", err
	}
	v.Title, v.Job = "Edit "+job.Name, job
	return "jobform.html", nil
}

func (h *handler) code(ctx context.Context, r *http.Request, v *view) (string, error) {
	job, err := h.b.Job(ctx, r.PathValue("name"))
	if err != nil {
		return "", err
	}
	v.Title, v.Job = job.Name+" code", job
	return "editor.html", nil
}

func (h *handler) audit(ctx context.Context, r *http.Request, v *view) (string, error) {
	page, err := h.b.Audit(ctx, Page{Cursor: r.URL.Query().Get("cursor"), Limit: pageSize})
	if err != nil {
		return "", err
	}
	v.Title, v.Audit = "Audit", page
	return "audit.html", nil
}

// login serves the login form; the form's script posts to the API's
// /v1/login, which sets the session cookie. With the first-run link's
// token it is a plain form that posts the token: the GET of the link
// changes nothing, so a link previewer cannot use it up.
func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(w, "login.html", &view{Title: "Log in", Code: safeNext(q.Get("next")), Token: q.Get("token")})
}

// safeNext keeps a post-login destination on this site: only a local
// path, so a crafted link cannot send a fresh session elsewhere.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" || len(next) == 0 || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return "/jobs"
	}
	return next
}

// seconds is a duration in whole seconds, as the job form's field takes it.
func seconds(d int64) string { return strconv.FormatInt(d/1e9, 10) }
