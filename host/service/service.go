// Package service assembles jobbox: it reads config.toml, opens the store,
// starts the sandbox engine and the scheduler, serves the admin socket, and
// reloads the config on request.
package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/clock"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/domain"
	"github.com/jobbox/jobbox/host/metrics"
	"github.com/jobbox/jobbox/host/modules"
	"github.com/jobbox/jobbox/host/sandbox"
	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/store"
	"github.com/jobbox/jobbox/host/textsafe"
)

// Files under the state directory.
const (
	StoreFile  = "jobbox.db"
	SocketFile = "jobbox.sock"
	CacheDir   = "cache"
)

// Options tune a Service beyond its config file.
type Options struct {
	// Clock drives the schedule and the guests' time; the real clock if nil.
	Clock clock.Clock
	// Log receives the service's log (zerolog JSON or console lines).
	Log io.Writer
	// Console formats the log for a person instead of as JSON.
	Console bool
	// OnReport, if set, sees every finished run (tests use it).
	OnReport func(sched.Report)
	// NewStore starts on a new, empty store where a store was used before
	// but is now missing or empty (`jobbox serve --new-store`).
	NewStore bool
	// ServeAPI serves the admin API on [admin] listen (`jobbox serve`);
	// otherwise only on the unix socket, so tests and benchmarks that start
	// services in parallel take no port.
	ServeAPI bool
	// APIRoutes are further route sets of the admin API (api.Options.Extra).
	APIRoutes [][]api.Route
}

// Service is a running jobbox.
type Service struct {
	opts   Options
	log    zerolog.Logger
	engine *sandbox.Engine
	store  *store.Bolt
	mods   *modules.Host
	sched  *sched.Scheduler
	admin  *http.Server
	socket string
	api    *apiService
	bus    *Bus

	metrics    *metrics.Metrics // metrics.go
	metricsSrv *http.Server
	metricsLn  net.Listener

	mu  sync.Mutex // serialises reloads
	cfg *config.Config

	// The prepare goroutines: Stop cancels them and waits for them before
	// it closes the engine they compile into.
	preps     sync.WaitGroup
	preparing atomic.Int32 // prepare goroutines running, for tests
	prepCtx   context.Context
	stopPreps context.CancelFunc
}

// Start opens everything the config at path names and starts the schedule
// and the admin socket. Stop undoes it.
func Start(ctx context.Context, path string, opts Options) (*Service, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	s := &Service{opts: opts, cfg: cfg, log: newLogger(opts.Log, opts.Console, cfg.LogLevel), bus: NewBus()}
	s.metrics = s.newMetrics(cfg)
	s.prepCtx, s.stopPreps = context.WithCancel(context.WithoutCancel(ctx))
	if err := SecureStateDir(cfg.StateDir); err != nil {
		return nil, err
	}
	if s.store, err = store.Open(filepath.Join(cfg.StateDir, StoreFile), store.OpenOptions{Fresh: opts.NewStore}); err != nil {
		return nil, err
	}
	if s.mods, err = modules.New(cfg.Modules(), s.store); err != nil {
		s.store.Close()
		return nil, err
	}
	for _, w := range s.mods.Warnings() {
		s.log.Warn().Msg(w)
	}
	s.engine, err = NewEngine(ctx, cfg, opts.Clock, func(job, line string) { s.log.Info().Str("job", job).Msg(line) })
	if err != nil {
		s.mods.Close()
		s.store.Close()
		return nil, err
	}
	s.sched = sched.New(sched.Options{
		Clock:           opts.Clock,
		Runner:          s.engine,
		Store:           timedStore{Store: s.store, m: s.metrics},
		MaxConcurrent:   cfg.MaxConcurrentRuns,
		MaxInFlight:     cfg.MaxRunsInFlight,
		HistorySize:     cfg.HistorySize,
		SpreadFirstRuns: cfg.SpreadFirstRuns,
		OnStart:         s.bus.RunStarted,
		OnStateChange:   s.bus.Reloaded,
		OnReport:        s.report,
		OnError:         func(err error) { s.log.Error().Err(err).Msg("state store") },
	})
	if err := s.sched.Start(ctx, s.specs(cfg, s.mods)); err != nil {
		s.close(ctx)
		return nil, err
	}
	if err := s.startAPI(cfg); err != nil {
		s.sched.Stop(ctx)
		s.close(ctx)
		return nil, err
	}
	if err := errors.Join(s.serveAdmin(), s.serveMetrics()); err != nil {
		s.sched.Stop(ctx)
		s.close(ctx)
		return nil, err
	}
	s.mu.Lock()
	s.startPrepare(cfg)
	s.mu.Unlock()
	s.log.Info().Str("config", path).Int("jobs", len(cfg.Jobs)).Str("socket", s.socket).Msg("jobbox running")
	return s, nil
}

// NewEngine starts a sandbox engine for cfg whose guests see clk's time and
// whose job log lines go to onLog (nil drops them). Its compilation cache is
// in cfg's state directory, which is refused if others could plant code
// there.
func NewEngine(ctx context.Context, cfg *config.Config, clk clock.Clock, onLog func(job, line string)) (*sandbox.Engine, error) {
	if clk == nil {
		clk = clock.Real{}
	}
	if err := SecureStateDir(cfg.StateDir); err != nil {
		return nil, err
	}
	return sandbox.New(ctx, sandbox.Options{
		CacheDir: filepath.Join(cfg.StateDir, CacheDir),
		Now:      clk.Now,
		Location: cfg.Timezone.Location(),
		OnLog:    onLog,

		MaxLuaFile:     int64(cfg.MaxLuaFile.Bytes()),
		MaxWasmFile:    int64(cfg.MaxWasmFile.Bytes()),
		CompileTimeout: cfg.CompileTimeout.Duration(),
		CompileMemory:  cfg.CompileMemory.Bytes(),
	})
}

// newLogger returns the service's logger: JSON lines, or a console format
// for a person at a terminal.
func newLogger(w io.Writer, console bool, level string) zerolog.Logger {
	if console {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.DateTime, FormatPrepare: escapeEvent}
	}
	lvl, err := zerolog.ParseLevel(level)
	if err != nil {
		lvl = zerolog.InfoLevel
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger()
}

// escapeEvent escapes the strings of a console log line, which a job
// chooses (its log lines, its errors), so they cannot drive the terminal.
func escapeEvent(ev map[string]any) error {
	for k, v := range ev {
		if s, ok := v.(string); ok {
			ev[k] = textsafe.Escape(s)
		}
	}
	return nil
}

// Specs converts the configured jobs for the scheduler.
func Specs(cfg *config.Config, mods *modules.Host) []sched.Spec {
	specs := make([]sched.Spec, len(cfg.Jobs))
	for i, j := range cfg.Jobs {
		specs[i] = sched.Spec{
			Job:      JobOf(cfg, j, mods),
			Interval: j.Interval.Duration(),
			RunOnce:  j.RunOnce,
			Active:   j.IsActive(),
		}
	}
	return specs
}

// JobOf converts a job of cfg for the engine, with the modules its grants
// allow (none if mods is nil).
func JobOf(cfg *config.Config, j config.Job, mods *modules.Host) sandbox.Job {
	job := sandbox.Job{Name: j.Name, File: j.File, Path: j.Path, Root: j.Root, Limits: LimitsOf(cfg.JobLimits(j))}
	if mods != nil {
		job.Modules = mods.ForJob(j.Name, j.Grants)
	}
	return job
}

// LimitsOf converts resolved limits for the engine.
func LimitsOf(r config.Resolved) sandbox.Limits {
	return sandbox.Limits{
		Timeout:     r.Timeout,
		MemoryBytes: r.Memory,
		LogLines:    r.LogLines,
		LogBytes:    r.LogBytes,
		HostCalls:   r.HostCalls,
		CallBytes:   r.CallBytes,
		RunBytes:    r.RunBytes,
		StackDepth:  r.Stack,
	}
}

func (s *Service) report(r sched.Report) {
	s.observe(r)
	ev := s.log.Info()
	if r.Outcome.Status.String() == "ERROR" {
		ev = s.log.Warn().Str("error", r.Outcome.Error)
	}
	ev = ev.Str("job", r.Job).Str("status", r.Outcome.Status.String()).
		Dur("duration", r.Outcome.Duration()).Dur("late", r.Lateness()).Str("state", string(r.State))
	if !r.Next.IsZero() {
		ev = ev.Time("next", r.Next)
	}
	ev.Msg("run finished")
	s.bus.RunEnded(r)
	if s.opts.OnReport != nil {
		s.opts.OnReport(r)
	}
}

// startPrepare starts a prepare goroutine for cfg, unless the service is
// stopping. Call with s.mu held: close cancels under it, so every goroutine
// started is one close waits for.
func (s *Service) startPrepare(cfg *config.Config) {
	if s.prepCtx.Err() != nil {
		return
	}
	s.preps.Add(1)
	s.preparing.Add(1)
	go func() {
		defer s.preps.Done()
		defer s.preparing.Add(-1)
		s.prepare(s.prepCtx, cfg)
	}()
}

// prepare compiles the configured guests in the background, so their first
// runs start at once. A guest that fails to compile is only logged here: its
// run reports the error and deactivates the job, as for any bad job file.
func (s *Service) prepare(ctx context.Context, cfg *config.Config) {
	for _, j := range cfg.Jobs {
		if ctx.Err() != nil {
			return // stopping
		}
		if err := s.engine.Prepare(ctx, JobOf(cfg, j, nil)); err != nil {
			s.log.Warn().Str("job", j.Name).Err(err).Msg("guest does not compile")
		}
	}
}

// Reload re-reads the config file. An invalid file is refused with its
// errors, and the running config stays in force.
func (s *Service) Reload(ctx context.Context) error { return s.ReloadAs(ctx, domain.System) }

// reload is Reload, its result audited by ReloadAs.
func (s *Service) reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cfg, err := config.Load(s.cfg.Path)
	if err != nil {
		s.log.Error().Err(err).Msg("reload refused; the running config stays in force")
		return err
	}
	if cfg.StateDir != s.cfg.StateDir {
		err := fmt.Errorf("%s: state_dir changed from %s to %s; that takes a restart", cfg.Path, s.cfg.StateDir, cfg.StateDir)
		s.log.Error().Err(err).Msg("reload refused; the running config stays in force")
		return err
	}
	mods, err := s.mods.Reloaded(cfg.Modules())
	if err != nil {
		s.log.Error().Err(err).Msg("reload refused; the running config stays in force")
		return err
	}
	for _, w := range mods.Warnings() {
		s.log.Warn().Msg(w)
	}
	s.engine.SetLocation(cfg.Timezone.Location())
	s.warnMetricsChange(cfg)
	s.sched.Reload(s.specs(cfg, mods))
	s.metrics.SetJobs(JobNames(cfg))
	// Runs hold the database pools they use: closing the old host lets
	// go of its own references, and each pool closes with its last run.
	_ = s.mods.Close()
	s.apiReloaded(s.cfg, cfg)
	s.mods, s.cfg = mods, cfg
	s.startPrepare(cfg)
	s.log.Info().Int("jobs", len(cfg.Jobs)).Msg("config reloaded")
	return nil
}

// Scheduler gives access to the schedule, for the admin API and tests.
func (s *Service) Scheduler() *sched.Scheduler { return s.sched }

// Store gives access to the state store.
func (s *Service) Store() store.Store { return s.store }

// Config returns the config in force.
func (s *Service) Config() *config.Config {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg
}

// Stop stops taking new runs, waits up to the config's shutdown_grace for
// runs in flight (or until ctx ends), then cancels what remains and closes.
func (s *Service) Stop(ctx context.Context) {
	s.log.Info().Msg("stopping: waiting for runs in flight")
	graceCtx, cancel := context.WithTimeout(ctx, s.Config().ShutdownGrace.Duration())
	defer cancel()
	s.sched.Stop(graceCtx)
	s.close(ctx)
	s.log.Info().Msg("stopped")
}

func (s *Service) close(ctx context.Context) {
	s.mu.Lock()
	s.stopPreps()
	s.mu.Unlock()
	s.preps.Wait()
	s.stopAPI()
	if s.admin != nil {
		_ = s.admin.Close()
		_ = os.Remove(s.socket)
	}
	if s.metricsSrv != nil {
		_ = s.metricsSrv.Close()
	}
	if s.engine != nil {
		_ = s.engine.Close(ctx)
	}
	if s.mods != nil {
		_ = s.mods.Close()
	}
	if s.store != nil {
		_ = s.store.Close()
	}
}

// serveAdmin listens on the admin socket, which only the service's own user
// may open: the socket is mode 0600 in a directory only that user may
// write (SecureStateDir).
func (s *Service) serveAdmin() error {
	s.socket = filepath.Join(s.cfg.StateDir, SocketFile)
	// The store's lock proves no other service owns this state directory,
	// so a socket file left here is stale.
	if err := os.Remove(s.socket); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing the stale admin socket %s: %w", s.socket, err)
	}
	ln, err := listenPrivate(s.socket)
	if err != nil {
		return fmt.Errorf("listening on the admin socket %s: %w", s.socket, err)
	}
	if err := os.Chmod(s.socket, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("restricting the admin socket %s: %w", s.socket, err)
	}
	s.admin = &http.Server{Handler: s.api.server.LocalHandler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.admin.Serve(ln) }()
	return nil
}
