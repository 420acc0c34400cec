package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/jobbox/jobbox/host/clock"
)

// harness is a server on loopback with a user and a token of every role.
type harness struct {
	t      *testing.T
	srv    *Server
	http   *httptest.Server
	clock  *clock.Fake
	svc    *fakeService
	tokens map[Role]string
}

const testPassword = "correct horse battery staple"

var testHash = func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}()

func newHarness(t *testing.T, jobs int, tweak ...func(*Options, *fakeService)) *harness {
	t.Helper()
	h := &harness{t: t, clock: clock.NewFake(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)), svc: newFakeService(jobs), tokens: map[Role]string{}}
	opts := Options{Service: h.svc, Editor: &fakeEditor{}, Clock: h.clock, FailDelay: -1, SessionTTL: time.Hour}
	for _, f := range tweak {
		f(&opts, h.svc)
	}
	h.srv = New(opts)
	var users []User
	var tokens []Token
	for _, r := range []Role{Viewer, Operator, Admin} {
		users = append(users, User{Name: r.String() + "-user", Role: r, PasswordHash: testHash})
		tok, hash := NewToken()
		h.tokens[r] = tok
		tokens = append(tokens, Token{Name: r.String() + "-token", Role: r, Hash: hash})
	}
	h.srv.SetCredentials(users, tokens)
	h.http = httptest.NewServer(h.srv.Handler())
	t.Cleanup(h.http.Close)
	return h
}

// do sends a request; with is applied to it (credentials, headers).
func (h *harness) do(method, path, body string, with func(*http.Request)) (*http.Response, string) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.http.URL+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if with != nil {
		with(req)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, string(data)
}

func bearer(token string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

func withCookie(c *http.Cookie) func(*http.Request) {
	return func(r *http.Request) { r.AddCookie(c) }
}

// login signs user in and returns the session cookie.
func (h *harness) login(user, password string) (*http.Response, *http.Cookie) {
	h.t.Helper()
	body, _ := json.Marshal(map[string]string{"user": user, "password": password})
	resp, _ := h.do("POST", "/v1/login", string(body), nil)
	for _, c := range resp.Cookies() {
		if c.Name == SessionCookie {
			return resp, c
		}
	}
	return resp, nil
}

// samplePath fills a route's path parameters with a job that exists.
func samplePath(p string) string {
	return strings.ReplaceAll(p, "{name}", "job-000001")
}

func decodeError(t *testing.T, body string) ErrorBody {
	t.Helper()
	var e ErrorBody
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == "" {
		t.Fatalf("want a JSON error, got %q", body)
	}
	return e
}

func TestEveryRouteRefusesWithoutCredentials(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 3)
	_, expired := h.login("admin-user", testPassword)
	h.clock.Advance(time.Hour)
	cases := map[string]func(*http.Request){
		"none":            nil,
		"wrong token":     bearer("jbx_not-a-token"),
		"not bearer":      func(r *http.Request) { r.SetBasicAuth("admin-user", testPassword) },
		"expired session": withCookie(expired),
		"forged session":  withCookie(&http.Cookie{Name: SessionCookie, Value: "forged"}),
	}
	for _, rt := range h.srv.Routes() {
		if rt.Role == Public {
			continue
		}
		for what, with := range cases {
			resp, body := h.do(rt.Method, samplePath(rt.Path), "", with)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s with %s: got %s, want 401", rt.Method, rt.Path, what, resp.Status)
				continue
			}
			decodeError(t, body)
		}
	}
}

func TestEveryRouteChecksItsRole(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 3)
	cookies := map[Role]*http.Cookie{}
	for _, r := range []Role{Viewer, Operator, Admin} {
		_, cookies[r] = h.login(r.String()+"-user", testPassword)
	}
	for _, rt := range h.srv.Routes() {
		if rt.Role == Public || rt.Path == "/v1/logout" {
			continue
		}
		for _, role := range []Role{Viewer, Operator, Admin} {
			for how, with := range map[string]func(*http.Request){"token": bearer(h.tokens[role]), "session": withCookie(cookies[role])} {
				resp, body := h.do(rt.Method, samplePath(rt.Path), "", with)
				switch {
				case role < rt.Role && resp.StatusCode != http.StatusForbidden:
					t.Errorf("%s %s as %s by %s: got %s, want 403", rt.Method, rt.Path, role, how, resp.Status)
				case role < rt.Role:
					decodeError(t, body)
				case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
					t.Errorf("%s %s as %s by %s: refused with %s: %s", rt.Method, rt.Path, role, how, resp.Status, body)
				}
			}
		}
	}
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 3)
	_, cookie := h.login("admin-user", testPassword)
	for _, rt := range h.srv.Routes() {
		if rt.Method == "GET" {
			continue
		}
		for what, hdr := range map[string][2]string{
			"fetch metadata": {"Sec-Fetch-Site", "cross-site"},
			"origin":         {"Origin", "https://evil.example"},
		} {
			resp, _ := h.do(rt.Method, samplePath(rt.Path), `{}`, func(r *http.Request) {
				r.AddCookie(cookie)
				r.Header.Set(hdr[0], hdr[1])
			})
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s cross-origin by %s: got %s, want 403", rt.Method, rt.Path, what, resp.Status)
			}
		}
	}
	if h.svc.reloads != 0 || len(h.svc.active) != 0 {
		t.Errorf("a cross-origin request changed something: %d reloads, %v", h.svc.reloads, h.svc.active)
	}
	// The same request from the same origin passes.
	resp, body := h.do("POST", "/v1/jobs/job-000001/deactivate", "", func(r *http.Request) {
		r.AddCookie(cookie)
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("same-origin POST: %s %s", resp.Status, body)
	}
}

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 3)
	resp, c := h.login("operator-user", testPassword)
	if resp.StatusCode != http.StatusOK || c == nil {
		t.Fatalf("login: %s", resp.Status)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure {
		t.Errorf("cookie on plain HTTP: HttpOnly=%v SameSite=%v Secure=%v", c.HttpOnly, c.SameSite, c.Secure)
	}
	if resp, body := h.do("GET", "/v1/status", "", withCookie(c)); resp.StatusCode != http.StatusOK {
		t.Fatalf("status with a session: %s %s", resp.Status, body)
	}
	h.clock.Advance(time.Hour - time.Second)
	if resp, _ := h.do("GET", "/v1/status", "", withCookie(c)); resp.StatusCode != http.StatusOK {
		t.Fatalf("a second before expiry: %s", resp.Status)
	}
	h.clock.Advance(time.Second)
	if resp, _ := h.do("GET", "/v1/status", "", withCookie(c)); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("at expiry: %s, want 401", resp.Status)
	}
}

func TestSecureCookieOnTLS(t *testing.T) {
	t.Parallel()
	svc := newFakeService(1)
	srv := New(Options{Service: svc, TLS: true, FailDelay: -1})
	srv.SetCredentials([]User{{Name: "ann", Role: Admin, PasswordHash: testHash}}, nil)
	ts := httptest.NewTLSServer(srv.Handler())
	defer ts.Close()
	resp, err := ts.Client().Post(ts.URL+"/v1/login", "application/json", strings.NewReader(`{"user":"ann","password":"`+testPassword+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cs := resp.Cookies()
	if len(cs) != 1 || !cs[0].Secure || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookies on TLS: %+v", cs)
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 3)
	_, c := h.login("viewer-user", testPassword)
	if resp, body := h.do("POST", "/v1/logout", "", withCookie(c)); resp.StatusCode != http.StatusOK {
		t.Fatalf("logout: %s %s", resp.Status, body)
	}
	if resp, _ := h.do("GET", "/v1/status", "", withCookie(c)); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after logout: %s, want 401", resp.Status)
	}
}

func TestRemovedUserLosesSession(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 3)
	_, c := h.login("admin-user", testPassword)
	h.srv.SetCredentials([]User{{Name: "admin-user", Role: Viewer, PasswordHash: testHash}}, nil)
	if resp, _ := h.do("POST", "/v1/reload", "", withCookie(c)); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("demoted to viewer, reload: %s, want 403", resp.Status)
	}
	h.srv.SetCredentials(nil, nil)
	if resp, _ := h.do("GET", "/v1/status", "", withCookie(c)); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("removed user: %s, want 401", resp.Status)
	}
}

func TestWrongPasswordAndThrottling(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 3)
	for i := range maxUserFailures {
		resp, c := h.login("admin-user", "wrong")
		if resp.StatusCode != http.StatusUnauthorized || c != nil {
			t.Fatalf("wrong password %d: %s", i, resp.Status)
		}
	}
	// Now even the right password is refused, for that user only.
	resp, _ := h.login("admin-user", testPassword)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("after %d failures: %s, Retry-After %q; want 429 with Retry-After", maxUserFailures, resp.Status, resp.Header.Get("Retry-After"))
	}
	if resp, _ := h.login("viewer-user", testPassword); resp.StatusCode != http.StatusOK {
		t.Fatalf("another user from the same address: %s", resp.Status)
	}
	h.clock.Advance(throttleWindow)
	if resp, _ := h.login("admin-user", testPassword); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the window: %s", resp.Status)
	}
}

func TestAddressThrottling(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 3)
	// Known users, so no failure pays for a dummy argon2id hash.
	var users []User
	for i := range maxAddrFailures/maxUserFailures + 1 {
		users = append(users, User{Name: fmt.Sprintf("u%d", i), Role: Viewer, PasswordHash: testHash})
	}
	h.srv.SetCredentials(users, nil)
	for i := range maxAddrFailures {
		h.login(users[i/maxUserFailures].Name, "wrong")
	}
	if resp, _ := h.login(users[len(users)-1].Name, testPassword); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after %d failures from one address: %s, want 429", maxAddrFailures, resp.Status)
	}
}

func TestSetupLink(t *testing.T) {
	t.Parallel()
	svc := newFakeService(1)
	srv := New(Options{Service: svc, FailDelay: -1, Home: "/dashboard"})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	h := &harness{t: t, srv: srv, http: ts, svc: svc}
	link := srv.SetupLink(ts.URL)
	u, err := url.Parse(link)
	if err != nil || u.Path != "/login" {
		t.Fatalf("link %q", link)
	}
	token := u.Query().Get("token")
	// Fetching the link changes nothing: it shows a form.
	resp, page := h.do("GET", u.RequestURI(), "", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `name="setup_token" value="`+token+`"`) {
		t.Fatalf("login page: %s %s", resp.Status, page)
	}
	post := func() *http.Response {
		resp, _ := h.do("POST", "/v1/login", "setup_token="+url.QueryEscape(token), func(r *http.Request) {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Sec-Fetch-Site", "same-origin")
		})
		return resp
	}
	first := post()
	if first.StatusCode != http.StatusSeeOther || first.Header.Get("Location") != "/dashboard" || len(first.Cookies()) != 1 {
		t.Fatalf("setup login: %s to %q", first.Status, first.Header.Get("Location"))
	}
	c := first.Cookies()[0]
	if resp, _ := h.do("POST", "/v1/reload", "", withCookie(c)); resp.StatusCode != http.StatusOK {
		t.Fatalf("setup session reload: %s, want 200 (admin)", resp.Status)
	}
	if again := post(); again.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the link used twice: %s, want 401", again.Status)
	}
	// Once a user is configured, the setup session and links end.
	srv.SetCredentials([]User{{Name: "ann", Role: Admin, PasswordHash: testHash}}, nil)
	if resp, _ := h.do("GET", "/v1/status", "", withCookie(c)); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("setup session after users exist: %s, want 401", resp.Status)
	}
	if l := srv.SetupLink(ts.URL); l != "" {
		t.Fatalf("a setup link with users configured: %q", l)
	}
}

func TestPublicRoutes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 1)
	for _, p := range []string{"/healthz", "/readyz", "/login"} {
		if resp, body := h.do("GET", p, "", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %s %s", p, resp.Status, body)
		}
	}
	resp, body := h.do("GET", "/v1/nothing", "", bearer(h.tokens[Viewer]))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %s", resp.Status)
	}
	decodeError(t, body)
	for _, method := range []string{"GET", "POST"} {
		if resp, _ := h.do(method, "/v1/nothing", "", nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s an unknown path without credentials: %s, want 401", method, resp.Status)
		}
	}
}

func TestLocalHandlerActsAsAdmin(t *testing.T) {
	t.Parallel()
	svc := newFakeService(1)
	srv := New(Options{Service: svc})
	ts := httptest.NewServer(srv.LocalHandler())
	defer ts.Close()
	resp, err := http.Post(ts.URL+"/v1/reload", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || svc.reloads != 1 {
		t.Fatalf("reload on the local handler: %s, %d reloads", resp.Status, svc.reloads)
	}
}

func TestHashPassword(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=4$") {
		t.Fatalf("hash %q", h)
	}
	if !CheckPassword(h, "s3cret") || CheckPassword(h, "s3cret ") || CheckPassword(h, "") {
		t.Fatal("argon2id check is wrong")
	}
	if !CheckPassword(testHash, testPassword) || CheckPassword(testHash, "x") {
		t.Fatal("bcrypt check is wrong")
	}
	for _, bad := range []string{"", "plain", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=64,t=0,p=1$c2FsdA$a2V5"} {
		if CheckPassword(bad, "plain") {
			t.Errorf("hash %q accepted", bad)
		}
	}
}
