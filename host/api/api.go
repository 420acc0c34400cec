// Package api is jobbox's HTTP admin API: authentication (password
// sessions, bearer tokens), roles, and the routes under /v1, served on the
// TCP listener of [admin] and, with a local admin principal, on the unix
// socket. It depends on what the service offers through the Service
// interface only, so further route sets (run now, events, audit, job and
// code edits) plug in through Options.Extra. docs/admin-api.md explains the
// model.
package api

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jobbox/jobbox/host/clock"
)

// Options configure a Server.
type Options struct {
	// Service is what the routes read and change.
	Service Service
	// Clock tells session expiry and login throttling; the real clock if nil.
	Clock clock.Clock
	// Sessions keeps browser sessions; in memory if nil. A cluster passes a
	// shared store.
	Sessions SessionStore
	// SessionTTL is how long a session lasts; 12h if zero.
	SessionTTL time.Duration
	// TLS marks session cookies Secure.
	TLS bool
	// FailDelay is how long a failed login waits before it is answered;
	// negative for none (tests), 1s if zero.
	FailDelay time.Duration
	// Home is where a browser goes after a form login; /v1/status if
	// empty (the dashboard sets its own page).
	Home string
	// Extra are further route sets, served and checked like the built-in
	// ones (their roles, the OpenAPI test).
	Extra [][]Route
	// Pages serves what no route matches: the dashboard (host/web), which
	// finds its visitor with Identify. Nil answers such paths 404.
	Pages http.Handler
	// Editor edits jobs and their code; nil answers those routes 501.
	Editor JobEditor
	// Heartbeat is how often an idle event stream sends a comment;
	// the Heartbeat constant if zero.
	Heartbeat time.Duration
	// Log receives security events (failed logins, throttling); dropped
	// if nil.
	Log func(event string, attrs ...any)
}

// Server serves the admin API.
type Server struct {
	opts     Options
	clock    clock.Clock
	sessions SessionStore
	creds    atomic.Pointer[credentials]
	throttle *throttle
	hashing  chan struct{} // bounds password hashes computed at once
	routes   []Route
	relay    *relay // writes the busy event streams

	setupMu sync.Mutex
	setup   string // the hash of the one-time login token; "" when none
}

// New returns a server with no users or tokens until SetCredentials.
func New(opts Options) *Server {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.SessionTTL == 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.FailDelay == 0 {
		opts.FailDelay = time.Second
	}
	if opts.Home == "" {
		opts.Home = "/v1/status"
	}
	if opts.Log == nil {
		opts.Log = func(string, ...any) {}
	}
	s := &Server{opts: opts, clock: opts.Clock, sessions: opts.Sessions,
		throttle: newThrottle(opts.Clock.Now), hashing: make(chan struct{}, 2), relay: newRelay()}
	if s.sessions == nil {
		s.sessions = NewMemorySessions(opts.Clock.Now)
	}
	s.creds.Store(&credentials{})
	s.routes = s.builtinRoutes()
	for _, set := range opts.Extra {
		s.routes = append(s.routes, set...)
	}
	return s
}

// Handler serves the API to the network: every route but the public ones
// authenticates its caller and checks the route's role, and every
// state-changing request from another origin is refused.
func (s *Server) Handler() http.Handler {
	return http.NewCrossOriginProtection().Handler(s.mux(s.authenticate))
}

// LocalHandler serves the API on the unix socket, whose callers are the
// service's own user: each request acts as the local admin.
func (s *Server) LocalHandler() http.Handler {
	local := Principal{Name: "local", Role: Admin, Kind: KindLocal}
	return s.mux(func(*http.Request) (Principal, error) { return local, nil })
}

func (s *Server) mux(auth func(*http.Request) (Principal, error)) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.Method+" "+rt.Path, s.guard(rt, auth))
	}
	// An unknown path answers 404 only to a caller who may read the
	// API, so the routes cannot be mapped without credentials.
	notFound := s.guard(Route{Role: Viewer, Handler: func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path, "")
	}}, auth)
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The pages only read (GET), and send a visitor without a
		// session to the login page themselves.
		if s.opts.Pages != nil && !strings.HasPrefix(r.URL.Path, "/v1/") && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			s.opts.Pages.ServeHTTP(w, r)
			return
		}
		notFound.ServeHTTP(w, r)
	}))
	return mux
}

// Identify returns who sent r, for the dashboard's pages: false when r
// has no valid session or token.
func (s *Server) Identify(r *http.Request) (Principal, bool) {
	p, err := s.authenticate(r)
	return p, err == nil
}

// guard authenticates the caller of rt and checks its role.
func (s *Server) guard(rt Route, auth func(*http.Request) (Principal, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.Role == Public {
			rt.Handler(w, r)
			return
		}
		p, err := auth(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="jobbox"`)
			WriteError(w, http.StatusUnauthorized, err.Error(), "")
			return
		}
		if p.Role < rt.Role {
			WriteError(w, http.StatusForbidden, "this needs the "+rt.Role.String()+" role; "+p.Name+" has "+p.Role.String(), "")
			return
		}
		rt.Handler(w, r.WithContext(withPrincipal(r.Context(), p)))
	})
}
