package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// loginRequest is POST /v1/login's body, JSON or a form.
type loginRequest struct {
	User       string `json:"user"`
	Password   string `json:"password"`
	SetupToken string `json:"setup_token"`
}

// LoginAnswer is POST /v1/login's answer.
type LoginAnswer struct {
	User    string    `json:"user"`
	Role    string    `json:"role"`
	Expires time.Time `json:"expires"`
}

// dummyHash is checked for an unknown user, so the answer takes as long as
// for a known one and does not tell which names exist.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a password of anyone")
	return h
})

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	req, form, err := readLogin(r)
	if err != nil {
		WriteError(w, http.StatusBadRequest, err.Error(), "")
		return
	}
	addr := remoteHost(r)
	if req.SetupToken != "" {
		s.loginSetup(w, r, req.SetupToken, form)
		return
	}
	if req.User == "" {
		WriteError(w, http.StatusBadRequest, "name the user to sign in as", "user")
		return
	}
	userKey, addrKey := "user:"+req.User, "addr:"+addr
	if wait := max(s.throttle.wait(userKey, maxUserFailures), s.throttle.wait(addrKey, maxAddrFailures)); wait > 0 {
		s.opts.Log("login throttled", "user", req.User, "address", addr)
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		WriteError(w, http.StatusTooManyRequests, fmt.Sprintf("too many failed logins; try again in %s", wait.Round(time.Second)), "")
		return
	}
	u, known := s.creds.Load().user(req.User)
	if !s.checkPassword(r.Context(), u.PasswordHash, known, req.Password) {
		s.throttle.fail(userKey)
		s.throttle.fail(addrKey)
		s.opts.Log("login failed", "user", req.User, "address", addr)
		pause(r.Context(), s.opts.FailDelay) // slows password guessing
		WriteError(w, http.StatusUnauthorized, "wrong user name or password", "")
		return
	}
	s.startSession(w, r, Session{User: u.Name, Address: addr}, u.Role, form)
}

// checkPassword checks password against hash, for an unknown user against
// a dummy; at most cap(s.hashing) hashes run at once, each taking tens of
// MiB.
func (s *Server) checkPassword(ctx context.Context, hash string, known bool, password string) bool {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	defer func() { <-s.hashing }()
	if !known {
		CheckPassword(dummyHash(), password)
		return false
	}
	return CheckPassword(hash, password)
}

func (s *Server) loginSetup(w http.ResponseWriter, r *http.Request, token string, form bool) {
	s.setupMu.Lock()
	ok := s.setup != "" && equalHash(s.setup, TokenHash(token)) && len(s.creds.Load().users) == 0
	if ok {
		s.setup = "" // one time only
	}
	s.setupMu.Unlock()
	if !ok {
		s.opts.Log("setup login refused", "address", remoteHost(r))
		pause(r.Context(), s.opts.FailDelay) // slows password guessing
		WriteError(w, http.StatusUnauthorized, "the login link is used up or not this service's; restart jobbox for a new one, or configure a user", "setup_token")
		return
	}
	s.startSession(w, r, Session{Setup: true, Address: remoteHost(r)}, Admin, form)
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, sess Session, role Role, form bool) {
	value := randomString()
	sess.Created = s.clock.Now()
	sess.Expires = sess.Created.Add(s.opts.SessionTTL)
	if err := s.sessions.Put(r.Context(), sessionKey(value), sess); err != nil {
		WriteError(w, http.StatusInternalServerError, "cannot keep the session: "+err.Error(), "")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: value, Path: "/", Expires: sess.Expires,
		MaxAge: int(s.opts.SessionTTL.Seconds()), HttpOnly: true, Secure: s.opts.TLS, SameSite: http.SameSiteStrictMode})
	s.opts.Log("login", "user", sess.User, "setup", sess.Setup, "address", sess.Address)
	if form {
		http.Redirect(w, r, s.opts.Home, http.StatusSeeOther)
		return
	}
	name := sess.User
	if sess.Setup {
		name = "setup"
	}
	WriteJSON(w, http.StatusOK, LoginAnswer{User: name, Role: role.String(), Expires: sess.Expires.UTC()})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		_ = s.sessions.Delete(r.Context(), sessionKey(c.Value))
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.opts.TLS, SameSite: http.SameSiteStrictMode})
	WriteJSON(w, http.StatusOK, map[string]string{"result": "signed out"})
}

// readLogin reads a JSON body, or a form as the login page posts it.
func readLogin(r *http.Request) (req loginRequest, form bool, err error) {
	body := http.MaxBytesReader(nil, r.Body, 64<<10)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		r.Body = body
		if err := r.ParseForm(); err != nil {
			return req, true, fmt.Errorf("reading the login form: %w", err)
		}
		return loginRequest{User: r.PostForm.Get("user"), Password: r.PostForm.Get("password"),
			SetupToken: r.PostForm.Get("setup_token")}, true, nil
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return req, false, fmt.Errorf("reading the login request: %w", err)
	}
	if err := json.Unmarshal(data, &req); err != nil {
		return req, false, fmt.Errorf("the login request must be JSON {\"user\": ..., \"password\": ...}: %w", err)
	}
	return req, false, nil
}

// pause waits d after a failed login, or until the client goes.
func pause(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
