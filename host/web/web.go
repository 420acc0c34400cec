// Package web is the dashboard: the seed guide's Jobs section as
// server-rendered pages (html/template, everything embedded), with a small
// script for live updates from the admin API's event stream and for the
// actions, which it sends to the admin API like any other client. The pages
// only read; the API checks every change, so a page that hides a button
// from a viewer is a courtesy, not the guard.
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// ErrNotFound is what a Backend returns for a job that does not exist.
var ErrNotFound = errors.New("not found")

// Identity is who a request comes from, as the admin API's authentication
// found it: a user's name and role ("admin", "operator" or "viewer").
type Identity struct {
	User, Role string
}

// Options are what the dashboard needs besides its Backend.
type Options struct {
	// Identify returns who made a request, or false when the request has
	// no valid session: the page then sends the visitor to /login.
	Identify func(r *http.Request) (Identity, bool)
}

// Handler serves the dashboard's pages and assets.
func Handler(b Backend, opts Options) http.Handler {
	h := &handler{b: b, opts: opts, tmpl: parseTemplates()}
	static, _ := fs.Sub(staticFS, "static")
	mux := http.NewServeMux()
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", assets(static)))
	mux.HandleFunc("GET /login", h.login)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/jobs", http.StatusSeeOther) })
	mux.Handle("GET /jobs", h.page(h.jobs))
	mux.Handle("GET /jobs/new", h.page(h.newJob))
	mux.Handle("GET /jobs/{name}", h.page(h.job))
	mux.Handle("GET /jobs/{name}/edit", h.page(h.editJob))
	mux.Handle("GET /jobs/{name}/code", h.page(h.code))
	mux.Handle("GET /audit", h.page(h.audit))
	return mux
}

type handler struct {
	b    Backend
	opts Options
	tmpl *template.Template
}

// assets serves the embedded files with a short cache lifetime: they
// change with the binary, and a reload after an upgrade must see them.
func assets(static fs.FS) http.Handler {
	files := http.FileServerFS(static)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=300")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}

// view is what every page's template gets: the header's facts and the
// page's own.
type view struct {
	Title      string
	User, Role string
	Status     Status
	States     []string
	Page       JobPage
	Filter     JobFilter
	First      string
	NextURL    string
	Job        JobDetail
	Runs       RunPage
	Audit      AuditPage
	Code       string
	Token      string // the first-run link's one-time token
	New        bool
}

// pageFunc fills a page's view, or returns an error the visitor sees.
type pageFunc func(ctx context.Context, r *http.Request, v *view) (tmpl string, err error)

// page wraps a pageFunc: it sends a visitor without a session to log in,
// fills the header, and renders the template the pageFunc names.
func (h *handler) page(fill pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := h.opts.Identify(r)
		if !ok {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		v := &view{User: id.User, Role: id.Role, States: stateOrder}
		st, err := h.b.Status(r.Context())
		if err != nil {
			h.fail(w, err)
			return
		}
		v.Status = st
		name, err := fill(r.Context(), r, v)
		if err != nil {
			h.fail(w, err)
			return
		}
		h.render(w, name, v)
	})
}
