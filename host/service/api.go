package service

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/store"
)

// apiService is what the admin API sees of the service (api.Service).
type apiService struct {
	s       *Service
	started time.Time
	host    string                   // the machine's name, read at start
	jobs    atomic.Pointer[jobIndex] // replaced whole on reload
	server  *api.Server
	http    *http.Server // nil when [admin] listen is off
	url     string       // where http listens
	edit    editorState
}

// jobIndex is the configured jobs by name, built once per config, so a
// page of the jobs list seeks instead of sorting 100,000 names.
type jobIndex struct {
	cfg   *config.Config
	names []string
	byKey map[string]int // name to index in cfg.Jobs
}

func newJobIndex(cfg *config.Config) *jobIndex {
	ix := &jobIndex{cfg: cfg, names: make([]string, len(cfg.Jobs)), byKey: make(map[string]int, len(cfg.Jobs))}
	for i, j := range cfg.Jobs {
		ix.names[i] = j.Name
		ix.byKey[j.Name] = i
	}
	slices.Sort(ix.names)
	return ix
}

var _ api.Service = (*apiService)(nil)

// buildVersion is the module version the binary was built from.
var buildVersion = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
})

func (a *apiService) Status() api.Status {
	ix := a.jobs.Load()
	return api.Status{Status: a.s.sched.Status(), Version: buildVersion(),
		ABIVersion: fmt.Sprintf("%d.%d", abi.VersionMajor, abi.VersionMinor),
		Started:    a.started.UTC(), Config: ix.cfg.Path, Jobs: len(ix.names)}
}

func (a *apiService) Ready() error {
	switch st := a.s.sched.Status(); st {
	case sched.StatusRunning, sched.StatusReloading:
		return nil
	default:
		return fmt.Errorf("the service is %s", st)
	}
}

func (a *apiService) JobNames() []string { return a.jobs.Load().names }

func (a *apiService) Job(name string) (api.Job, bool) {
	v, ok := a.s.sched.Job(name)
	if !ok {
		return api.Job{}, false
	}
	j := api.Job{Name: v.Name, File: v.File, IntervalS: v.Interval.Seconds(), RunOnce: v.RunOnce,
		State: string(v.State), Reason: v.Deactivation, LastStatus: v.LastStatus, LastError: v.LastError,
		LastRun: timeOrNil(v.LastRun), NextRun: timeOrNil(v.NextRun), Runs: v.Runs}
	return j, true
}

func (a *apiService) JobConfig(name string) (*api.JobConfig, bool) {
	ix := a.jobs.Load()
	i, ok := ix.byKey[name]
	if !ok {
		return nil, false
	}
	return jobConfig(ix.cfg, ix.cfg.Jobs[i]), true
}

func jobConfig(cfg *config.Config, j config.Job) *api.JobConfig {
	r := cfg.JobLimits(j)
	g := j.Grants
	return &api.JobConfig{
		Active: j.IsActive(),
		Limits: map[string]any{"timeout_s": r.Timeout.Seconds(), "memory_bytes": r.Memory, "log_lines": r.LogLines,
			"log_bytes": r.LogBytes, "host_calls": r.HostCalls, "call_bytes": r.CallBytes, "run_bytes": r.RunBytes, "stack": r.Stack},
		Grants: map[string][]string{"mysql": g.MySQL, "data": g.Data, "network": g.Network,
			"network_cidrs": g.NetworkCIDRs, "email_from": g.EmailFrom, "email_to": g.EmailTo},
	}
}

func (a *apiService) Runs(ctx context.Context, name string, page api.Page) (api.RunPage, error) {
	runs, next, err := a.s.Runs(ctx, name, store.Page{Before: page.Before, Limit: page.Limit})
	if err != nil {
		return api.RunPage{}, err
	}
	out := api.RunPage{Runs: make([]api.Run, len(runs)), Next: next}
	for i, r := range runs {
		out.Runs[i] = apiRun(r)
	}
	return out, nil
}

// apiRun is a stored run as the API shows it. The store fills in the
// trigger of records that hold none (decodeRun).
func apiRun(r store.Run) api.Run {
	return api.Run{ID: r.ID, Start: r.Start.UTC(), End: r.End.UTC(), DurationS: r.Duration().Seconds(),
		Due: r.Due.UTC(), LatenessS: r.Lateness().Seconds(), Status: r.Status, Error: r.Error, Logs: r.Logs,
		Trigger: r.Trigger, Actor: r.Actor, From: r.From}
}

func (a *apiService) RunNow(ctx context.Context, name string) (api.ManualRun, error) {
	m, err := a.s.RunNow(ctx, actorOf(ctx), name)
	switch {
	case errors.Is(err, sched.ErrUnknownJob):
		return api.ManualRun{}, &api.Error{Status: http.StatusNotFound, Field: "name", Err: err}
	case errors.Is(err, sched.ErrNotRunnable):
		return api.ManualRun{}, &api.Error{Status: http.StatusConflict, Err: err}
	case err != nil:
		return api.ManualRun{}, err
	}
	return api.ManualRun{Job: name, Due: m.Key.Due.UTC(), Actor: m.Actor.Name, AfterRunInFlight: m.AfterRunInFlight, Duplicate: m.Duplicate}, nil
}

func (a *apiService) Subscribe() api.Subscription {
	return newAPISubscription(a.s.bus, a.s.prepCtx.Done())
}

func (a *apiService) Audit(ctx context.Context, page api.Page) (api.AuditPage, error) {
	entries, next, err := a.s.Audit(ctx, store.Page{Before: page.Before, Limit: page.Limit})
	if err != nil {
		return api.AuditPage{}, err
	}
	out := api.AuditPage{Entries: make([]api.AuditEntry, len(entries)), Next: next}
	for i, e := range entries {
		out.Entries[i] = api.AuditEntry{ID: e.ID, Time: e.Time.UTC(), Actor: e.Actor, From: e.From, Action: e.Action,
			Job: e.Job, Before: e.Before, After: e.After, Error: e.Error}
	}
	return out, nil
}

func (a *apiService) SetActive(ctx context.Context, name string, active bool) error {
	if active {
		return a.s.Activate(ctx, actorOf(ctx), name)
	}
	return a.s.Deactivate(ctx, actorOf(ctx), name)
}

func (a *apiService) Reload(ctx context.Context) error { return a.s.ReloadAs(ctx, actorOf(ctx)) }

// actorOf is the API caller of ctx as the audit log records it: its name,
// and its address or the unix socket.
func actorOf(ctx context.Context) domain.Actor {
	p, ok := api.PrincipalOf(ctx)
	if !ok {
		return domain.System
	}
	from := p.Address
	if p.Kind == api.KindLocal {
		from = "unix socket"
	}
	return domain.Actor{Name: p.Name, From: from}
}

// credentialsOf converts [admin]'s users and tokens; Validate has checked
// their roles.
func credentialsOf(a config.Admin) ([]api.User, []api.Token) {
	users := make([]api.User, len(a.Users))
	for i, u := range a.Users {
		role, _ := api.ParseRole(u.Role)
		users[i] = api.User{Name: u.Name, Role: role, PasswordHash: u.PasswordHash}
	}
	tokens := make([]api.Token, len(a.Tokens))
	for i, t := range a.Tokens {
		role, _ := api.ParseRole(t.Role)
		tokens[i] = api.Token{Name: t.Name, Role: role, Hash: t.TokenHash}
	}
	return users, tokens
}

// startAPI makes the admin API and, if Options.ServeAPI, serves it on
// [admin] listen, unless that is off.
// With no user configured on a loopback listener it logs a one-time login
// link; there is no default password.
func (s *Service) startAPI(cfg *config.Config) error {
	host, _ := os.Hostname()
	a := &apiService{s: s, started: s.opts.Clock.Now(), host: host}
	a.jobs.Store(newJobIndex(cfg))
	a.server = api.New(api.Options{Service: a, Editor: a, Clock: s.opts.Clock, SessionTTL: cfg.Admin.SessionTTL.Duration(),
		TLS: cfg.Admin.TLS(), Log: s.securityLog, Pages: a.pages(), Home: "/jobs",
		Extra: append([][]api.Route{s.serviceRoutes()}, s.opts.APIRoutes...)})
	a.server.SetCredentials(credentialsOf(cfg.Admin))
	s.api = a
	if !s.opts.ServeAPI || cfg.Admin.Listen == config.AdminOff {
		return nil
	}
	ln, err := net.Listen("tcp", cfg.Admin.Listen)
	if err != nil {
		return fmt.Errorf("admin API: listening on %s ([admin] listen): %w", cfg.Admin.Listen, err)
	}
	a.http = &http.Server{Handler: a.server.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	scheme := "http"
	if cfg.Admin.TLS() {
		cert, err := tls.LoadX509KeyPair(cfg.Admin.CertFile, cfg.Admin.KeyFile)
		if err != nil {
			ln.Close()
			return fmt.Errorf("admin API: loading cert_file %s and key_file %s: %w", cfg.Admin.CertFile, cfg.Admin.KeyFile, err)
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	}
	go func() {
		if err := a.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error().Err(err).Msg("admin API stopped")
		}
	}()
	base := scheme + "://" + ln.Addr().String()
	a.url = base
	s.log.Info().Str("url", base).Msg("admin API listening")
	if len(cfg.Admin.Users) == 0 && cfg.Admin.IsLoopback() {
		s.log.Warn().Str("url", a.server.SetupLink(base)).
			Msg("no admin user is configured: open this one-time link to sign in, then add one (docs/admin-api.md)")
	}
	return nil
}

// apiReloaded puts a reloaded config's jobs and credentials in force.
// Call with s.mu held.
func (s *Service) apiReloaded(old, cfg *config.Config) {
	s.api.jobs.Store(newJobIndex(cfg))
	s.api.server.SetCredentials(credentialsOf(cfg.Admin))
	if old.Admin.Listen != cfg.Admin.Listen || old.Admin.CertFile != cfg.Admin.CertFile || old.Admin.KeyFile != cfg.Admin.KeyFile {
		s.log.Warn().Msg("[admin] listen, cert_file and key_file take effect at the next start")
	}
}

// stopAPI lets requests in flight finish, for a while, then closes the
// listener. Event streams have ended already: they watch prepCtx, which
// close cancels first.
func (s *Service) stopAPI() {
	if s.api == nil || s.api.http == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), apiShutdownWait)
	defer cancel()
	if s.api.http.Shutdown(ctx) != nil {
		_ = s.api.http.Close()
	}
}

// apiShutdownWait bounds how long a stop waits for the API's requests.
const apiShutdownWait = 5 * time.Second

// securityLog writes the admin API's security events to the service log.
func (s *Service) securityLog(event string, attrs ...any) {
	ev := s.log.Info()
	for i := 0; i+1 < len(attrs); i += 2 {
		key := fmt.Sprint(attrs[i])
		switch v := attrs[i+1].(type) {
		case string:
			ev = ev.Str(key, v)
		case bool:
			ev = ev.Bool(key, v)
		default:
			ev = ev.Interface(key, v)
		}
	}
	ev.Str("component", "admin-api").Msg(event)
}

// API returns the admin API's server, for tests and further handlers.
func (s *Service) API() *api.Server { return s.api.server }

// APIURL is the admin API's address, such as http://127.0.0.1:8610; ""
// when it is not served on TCP.
func (s *Service) APIURL() string { return s.api.url }
