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
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/jobbox/jobbox/host/modules/options"
	"github.com/jobbox/jobbox/host/store"
)

// Host serves the core modules to every job of a service.
type Host struct {
	shared    shared
	modules   map[string]coreModule // by ABI name, from coreModules
	closeOnce sync.Once
}

// shared is what the hosts of successive reloads share.
type shared struct {
	documents store.Documents
	pools     *pools
}

// New opens what the modules configured in set need, and refuses a
// database whose account reaches more than the database it names.
// Database pools connect lazily: a server that is down fails the calls, and
// its account is checked at the first connection, not at the start.
func New(set options.Set, documents store.Documents) (*Host, error) {
	return newHost(set, shared{documents: documents, pools: newPools()})
}

// Reloaded returns the Host of a reloaded config. It shares h's database
// pools where an entry did not change; h itself stays usable by the runs
// that hold it, and Close on it only lets go of h's own references.
func (h *Host) Reloaded(set options.Set) (*Host, error) {
	return newHost(set, h.shared)
}

// newHost makes and provisions every core module, in the table's order.
func newHost(set options.Set, s shared) (*Host, error) {
	h := &Host{shared: s, modules: make(map[string]coreModule, len(coreModules))}
	for _, row := range coreModules {
		m := row.new(set, s)
		h.modules[row.name] = m
		if p, ok := m.(provisioner); ok {
			if err := p.provision(); err != nil {
				h.Close()
				return nil, err
			}
		}
	}
	return h, nil
}

// Warnings are what the operator should see at every start and reload:
// accounts not checked, and why.
func (h *Host) Warnings() []string {
	var all []string
	for _, row := range coreModules {
		if w, ok := h.modules[row.name].(warner); ok {
			all = append(all, w.warnings()...)
		}
	}
	return all
}

// Close lets go of what the modules hold, such as database pools; each
// pool closes when the last run using it ends too.
func (h *Host) Close() error {
	var errs []error
	h.closeOnce.Do(func() {
		for _, m := range h.modules {
			if c, ok := m.(cleanerUpper); ok {
				errs = append(errs, c.cleanup())
			}
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
