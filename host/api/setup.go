package api

import (
	"html/template"
	"net/http"
	"net/url"
)

// SetupLink makes a new one-time login token, good until used or until the
// next SetupLink, and returns the link that uses it under base (such as
// http://127.0.0.1:8610). The caller offers it only when no user is
// configured and the API is on loopback, as Jupyter does; it returns ""
// when users exist.
func (s *Server) SetupLink(base string) string {
	if len(s.creds.Load().users) > 0 {
		return ""
	}
	token := randomString()
	s.setupMu.Lock()
	s.setup = TokenHash(token)
	s.setupMu.Unlock()
	return base + "/login?token=" + url.QueryEscape(token)
}

// The login page posts the link's token: a GET changes nothing, so the
// link alone, fetched by a link previewer or a proxy, uses nothing up.
var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>jobbox: sign in</title>
<meta name="referrer" content="no-referrer"></head>
<body><h1>jobbox</h1>
<form method="post" action="/v1/login">
{{if .}}<input type="hidden" name="setup_token" value="{{.}}">
<p>This one-time link signs you in as the first administrator. Add a user to config.toml ([[admin.users]], see docs/admin-api.md) before it is used up.</p>
<button type="submit">Sign in</button>
{{else}}<label>User <input name="user" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>{{end}}
</form></body></html>
`))

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("Referrer-Policy", "no-referrer")
	_ = loginPage.Execute(w, r.URL.Query().Get("token"))
}
