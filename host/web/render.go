package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"
	"unicode"
)

// stateOrder is the order the list's state filter offers the states in.
var stateOrder = []string{"waiting", "running", "sleeping", "stopped", "exited", "deactivated", "once-pending", "once-done"}

// roleRank orders the roles: each may do what the ones below it may.
var roleRank = map[string]int{"viewer": 1, "operator": 2, "admin": 3}

func parseTemplates() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"iconOf":      iconOf,
		"can":         func(role, min string) bool { return roleRank[role] >= roleRank[min] },
		"dur":         formatDuration,
		"clock":       func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") },
		"rfc3339":     func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) },
		"join":        strings.Join,
		"sub":         func(a, b time.Time) time.Duration { return a.Sub(b) },
		"title":       capitalise,
		"chart":       chart,
		"seconds":     seconds,
		"limitFields": func() []limitField { return limitFields },
		"grantNames": func() []string {
			return []string{"mysql", "data", "network", "network_cidrs", "email_from", "email_to"}
		},
	}).ParseFS(templateFS, "templates/*.html"))
}

// render writes a page whole or not at all: a template that fails half-way
// must not leave half a page with a 200 status.
func (h *handler) render(w http.ResponseWriter, name string, v *view) {
	var buf bytes.Buffer
	if err := h.tmpl.ExecuteTemplate(&buf, name, v); err != nil {
		http.Error(w, "the page could not be rendered: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	_, _ = buf.WriteTo(w)
}

func (h *handler) fail(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	if errors.Is(err, ErrNotFound) {
		code = http.StatusNotFound
	}
	http.Error(w, err.Error(), code)
}

// formatDuration writes a duration as an operator reads it: 90s, 2m30s,
// 1.2ms, 24h.
func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	case d < time.Minute:
		return fmt.Sprintf("%.3gs", d.Seconds())
	}
	d = d.Round(time.Second)
	var b strings.Builder
	for _, part := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / part.unit; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, part.name)
			d -= n * part.unit
		}
	}
	return b.String()
}

func capitalise(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// limitField is a per-job limit the job form offers, as config.toml's
// [jobs.limits] spells it.
type limitField struct{ Key, Label, Example, Help string }

var limitFields = []limitField{
	{"timeout", "Time limit", "30s", "How long one run may take: 500ms, 30s, 5m (at most 24h)."},
	{"memory", "Memory", "64MiB", "The guest's memory cap: 1MiB to 4GiB."},
	{"log_lines", "Log lines", "1000", "How many lines one run may log."},
	{"host_calls", "Host calls", "100000", "How many calls to the host one run may make."},
}
