package api

import (
	"errors"
	"net"
	"net/http"
	"strings"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "jobbox_session"

var (
	errNoCredentials = errors.New("sign in first: this needs a session (POST /v1/login) or an Authorization: Bearer token")
	errBadToken      = errors.New("the bearer token is not one configured in [admin.tokens]")
	errBadSession    = errors.New("the session has expired or ended; sign in again")
)

// authenticate finds the principal of r by its bearer token or, failing
// that, its session cookie.
func (s *Server) authenticate(r *http.Request) (Principal, error) {
	addr := remoteHost(r)
	creds := s.creds.Load()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return Principal{}, errors.New("the Authorization header must be \"Bearer TOKEN\"")
		}
		t, ok := creds.token(TokenHash(strings.TrimSpace(token)))
		if !ok {
			s.opts.Log("bad bearer token", "address", addr)
			return Principal{}, errBadToken
		}
		return Principal{Name: t.Name, Role: t.Role, Kind: KindToken, Address: addr}, nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return Principal{}, errNoCredentials
	}
	key := sessionKey(c.Value)
	sess, ok, err := s.sessions.Get(r.Context(), key)
	if err != nil {
		return Principal{}, err
	}
	if !ok || !s.clock.Now().Before(sess.Expires) {
		return Principal{}, errBadSession
	}
	if sess.Setup {
		// The login link stands in for an admin until one is configured.
		if len(creds.users) > 0 {
			return Principal{}, errBadSession
		}
		return Principal{Name: "setup", Role: Admin, Kind: KindSetup, Address: addr}, nil
	}
	u, ok := creds.user(sess.User)
	if !ok {
		return Principal{}, errBadSession
	}
	return Principal{Name: u.Name, Role: u.Role, Kind: KindUser, Address: addr}, nil
}

// sessionKey is what the store keeps for a cookie value.
func sessionKey(cookie string) string { return TokenHash(cookie) }

// remoteHost is the caller's address without its port.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
