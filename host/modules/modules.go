// Package modules implements the core modules a job reaches through the
// ABI: core.data (documents in the host's store), core.network (HTTP to the
// origins granted to the job), core.email (SMTP through the operator's
// relay) and core.mysql (MySQL or MariaDB servers the operator names).
//
// A Host holds what jobs share (connection pools, the HTTP transport's
// settings, the store); ForJob gives each job a view limited to its
// grants. Every method answers Coronium style: a result, or nil and a
// message (and a code where there is one). A call the job has no grant for
// fails the run.
package modules

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/sandbox"
	"github.com/jobbox/jobbox/host/store"
)

// Host serves the core modules to every job of a service.
type Host struct {
	cfg       *config.Config
	pools     *pools               // shared with the hosts of later reloads
	databases map[string]*database // the host's own references on its pools
	documents store.Documents
	netRoots  *x509.CertPool // nil: the system's
	smtpRoots *x509.CertPool
	warnings  []string
	closeOnce sync.Once
}

// New opens what the modules configured in cfg need, and refuses a
// database whose account reaches more than the database it names.
// Database pools connect lazily: a server that is down fails the calls, and
// its account is checked at the first connection, not at the start.
func New(cfg *config.Config, documents store.Documents) (*Host, error) {
	return newHost(cfg, documents, newPools())
}

// Reloaded returns the Host of a reloaded config. It shares h's database
// pools where an entry did not change; h itself stays usable by the runs
// that hold it, and Close on it only lets go of h's own references.
func (h *Host) Reloaded(cfg *config.Config) (*Host, error) {
	return newHost(cfg, h.documents, h.pools)
}

func newHost(cfg *config.Config, documents store.Documents, p *pools) (*Host, error) {
	h := &Host{cfg: cfg, documents: documents, pools: p, databases: map[string]*database{}}
	var err error
	if h.netRoots, err = loadRoots(cfg.Network.CAFile); err != nil {
		return nil, fmt.Errorf("network.ca_file: %w", err)
	}
	if h.smtpRoots, err = loadRoots(cfg.SMTP.CAFile); err != nil {
		return nil, fmt.Errorf("smtp.ca_file: %w", err)
	}
	names := make([]string, 0, len(cfg.Databases))
	for name := range cfg.Databases {
		names = append(names, name)
	}
	sort.Strings(names)
	dbs := make([]*database, 0, len(names))
	for _, name := range names {
		db, _, err := p.acquire(name, cfg.Databases[name])
		if err != nil {
			h.Close()
			return nil, err
		}
		h.databases[name] = db
		dbs = append(dbs, db)
	}
	if err := h.checkAccounts(dbs); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

// Warnings are what the operator should see at every start and reload:
// accounts not checked, and why.
func (h *Host) Warnings() []string { return h.warnings }

// Close lets go of the host's database pools; each closes when the last
// run using it ends too.
func (h *Host) Close() error {
	var errs []error
	h.closeOnce.Do(func() {
		for _, db := range h.databases {
			errs = append(errs, h.pools.release(db))
		}
	})
	return errors.Join(errs...)
}

func loadRoots(path string) (*x509.CertPool, error) {
	if path == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return roots, nil
}

func tlsConfig(roots *x509.CertPool, serverName string) *tls.Config {
	return &tls.Config{RootCAs: roots, ServerName: serverName, MinVersion: tls.VersionTLS12}
}

// ForJob returns the modules of one job, as its grants allow.
func (h *Host) ForJob(job string, grants config.Grants) sandbox.Modules {
	return &jobModules{host: h, job: job, grants: grants}
}

type jobModules struct {
	host   *Host
	job    string
	grants config.Grants
}

var (
	_ sandbox.Modules   = (*jobModules)(nil)
	_ sandbox.ModuleRun = (*run)(nil)
)

func (j *jobModules) Open() sandbox.ModuleRun { return &run{jobModules: j} }

// run is one run's use of the modules, with its counters.
type run struct {
	*jobModules
	requests int
	messages int
	client   *httpClient
	sessions map[string]*session // by database entry
}

func (r *run) Close() {
	if r.client != nil {
		r.client.close()
	}
	_ = r.closeSessions()
}

func (r *run) Call(ctx context.Context, module, method string, args []any) ([]any, error) {
	switch module {
	case "mysql":
		return r.mysql(ctx, method, args)
	case "data":
		return r.data(ctx, method, args)
	case "network":
		return r.network(ctx, method, args)
	case "email":
		return r.email(ctx, method, args)
	}
	return nil, fmt.Errorf("core.%s is not a module", module)
}

// notGranted is the error of a call outside the job's grants.
func (r *run) notGranted(format string, args ...any) error {
	return fmt.Errorf("%s is %w to job %s", fmt.Sprintf(format, args...), sandbox.ErrNotGranted, r.job)
}

// failure is a Coronium-style failed result: nil, message[, code].
func failure(err error, code ...any) []any {
	return append([]any{nil, err.Error()}, code...)
}

func ok(v any) []any { return []any{v} }

// args reads positional arguments.
type args []any

func (a args) at(i int) any {
	if i >= 0 && i < len(a) {
		return a[i]
	}
	return nil
}

func (a args) string(i int, what string) (string, error) {
	s, ok := a.at(i).(string)
	if !ok {
		return "", fmt.Errorf("%s must be a string, not %s", what, abi.TypeName(a.at(i)))
	}
	return s, nil
}

func (a args) table(i int, what string) (abi.Table, error) {
	switch v := a.at(i).(type) {
	case abi.Table:
		return v, nil
	case []any:
		if len(v) == 0 { // an empty Lua table
			return abi.Table{}, nil
		}
	case nil:
		return abi.Table{}, nil
	}
	return nil, fmt.Errorf("%s must be a table of named fields, not %s", what, abi.TypeName(a.at(i)))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// keyOf is a table field's key as a string: Lua tables may have number keys.
func keyOf(f abi.Field) string {
	if s, ok := f.Key.(string); ok {
		return s
	}
	return fmt.Sprint(f.Key)
}
