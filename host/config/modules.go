package config

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"regexp"
	"sort"
	"time"

	"github.com/jobbox/jobbox/host/policy"
)

// Database is one [databases.NAME] table: a MySQL or MariaDB server that
// core.mysql may reach under that name, for the jobs granted it.
type Database struct {
	// DSN is a go-sql-driver/mysql data source name. When empty, the
	// server is given by Host, Port, User, Password and Database.
	DSN      string `toml:"dsn"`
	Host     string `toml:"host"`
	Port     int    `toml:"port"`
	Socket   string `toml:"socket"`
	User     string `toml:"user"`
	Password string `toml:"password"`
	Database string `toml:"database"`
	// MaxOpen bounds the pool's connections, shared by every job.
	MaxOpen int `toml:"max_open"`
	// Timeout bounds each call.
	Timeout any `toml:"timeout"`
	// MaxRows bounds the rows one call may return.
	MaxRows int `toml:"max_rows"`
	// AllowBroadAccount skips the check that the account reaches only
	// its database; the service warns of it at every start and reload.
	AllowBroadAccount bool `toml:"allow_broad_account"`

	TimeoutPeriod time.Duration `toml:"-"`
}

// SMTP is the [smtp] table: the relay core.email sends through.
type SMTP struct {
	Host     string `toml:"host"`
	Port     int    `toml:"port"`
	Username string `toml:"username"`
	Password string `toml:"password"`
	// TLS is "starttls" (upgrade when the server offers it; required when
	// a password is set), "tls" (implicit TLS, port 465) or "none".
	TLS string `toml:"tls"`
	// CAFile adds trusted roots (PEM) for the relay's certificate.
	CAFile string `toml:"ca_file"`
	// Timeout bounds sending one message.
	Timeout any `toml:"timeout"`
	// MaxMessages bounds the messages one run may send.
	MaxMessages int `toml:"max_messages"`

	TimeoutPeriod time.Duration `toml:"-"`
}

// Network is the [network] table: how core.network reaches the hosts
// granted to jobs.
type Network struct {
	Timeout          any `toml:"timeout"`            // one request, redirects included
	MaxResponseBytes any `toml:"max_response_bytes"` // one response body
	MaxRequests      int `toml:"max_requests"`       // per run
	// CAFile adds trusted roots (PEM) for servers' certificates.
	CAFile string `toml:"ca_file"`
	// ConnectTo sends connections for "host:port" to another "host:port",
	// as curl's --connect-to does (split-horizon DNS, tests). The
	// address connected to is still checked against the job's grants.
	ConnectTo map[string]string `toml:"connect_to"`

	TimeoutPeriod   time.Duration `toml:"-"`
	MaxResponseSize int64         `toml:"-"`
}

// Data is the [data] table: the caps of core.data.
type Data struct {
	MaxDocumentBytes       any `toml:"max_document_bytes"`
	MaxCollectionDocuments int `toml:"max_collection_documents"`

	MaxDocumentSize int `toml:"-"`
}

// Grants are what a job may use of the core modules ([jobs.grants]).
// Nothing is granted unless listed.
type Grants struct {
	// MySQL names the [databases] the job may use.
	MySQL []string `toml:"mysql"`
	// Data names the core.data collections the job may use.
	Data []string `toml:"data"`
	// Network lists the origins the job may request: "https://api.example.com",
	// "https://*.example.com:8443", or a bare host for http and https.
	Network []string `toml:"network"`
	// NetworkCIDRs lets the job reach addresses that are otherwise refused
	// (loopback, private, link-local), such as "10.0.0.0/8".
	NetworkCIDRs []string `toml:"network_cidrs"`
	// EmailFrom lists the sender addresses the job may use, or "@domain"
	// for any address of a domain. A job with none cannot send.
	EmailFrom []string `toml:"email_from"`
	// EmailTo, when set, restricts recipients to these domains.
	EmailTo []string `toml:"email_to"`

	Origins []policy.Origin `toml:"-"`
	CIDRs   []netip.Prefix  `toml:"-"`
}

func defaultModules(c *Config) {
	c.Network = Network{Timeout: "10s", MaxResponseBytes: "4MiB", MaxRequests: 20}
	c.Data = Data{MaxDocumentBytes: "64KiB", MaxCollectionDocuments: 10_000}
	c.SMTP = SMTP{Port: 25, TLS: "starttls", Timeout: "30s", MaxMessages: 10}
}

var identifier = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$`)

// validateModules checks [databases], [smtp], [network], [data] and every
// job's grants.
func (c *Config) validateModules(fail func(key, format string, args ...any)) {
	names := make([]string, 0, len(c.Databases))
	for name := range c.Databases {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		db := c.Databases[name]
		key := "databases." + name
		if !identifier.MatchString(name) {
			fail(key, "database name %q may hold only letters, digits, '.', '_' and '-'", name)
		}
		if db.DSN == "" && db.Host == "" && db.Socket == "" {
			fail(key, "database %q needs a dsn, or a host or socket", name)
		}
		if db.DSN != "" && (db.Host != "" || db.Socket != "" || db.User != "" || db.Password != "" || db.Database != "") {
			fail(key+".dsn", "database %q: give either a dsn or host/user/password/database, not both", name)
		}
		if db.MaxOpen == 0 {
			db.MaxOpen = 10
		} else if db.MaxOpen < 1 || db.MaxOpen > maxOpen {
			fail(key+".max_open", "database %q: max_open must be from 1 to %d", name, maxOpen)
		}
		if db.MaxRows == 0 {
			db.MaxRows = 10_000
		} else if db.MaxRows < 1 || db.MaxRows > maxRows {
			fail(key+".max_rows", "database %q: max_rows must be from 1 to %d", name, maxRows)
		}
		db.TimeoutPeriod = 10 * time.Second
		if db.Timeout != nil {
			d, err := duration(db.Timeout)
			if err != nil || d <= 0 || d > maxModuleTimeout {
				fail(key+".timeout", "database %q: timeout %v", name, errOr(err, "must be more than 0s and at most 1h"))
			}
			db.TimeoutPeriod = d
		}
		c.Databases[name] = db
	}

	s := &c.SMTP
	switch s.TLS {
	case "starttls", "tls", "none":
	default:
		fail("smtp.tls", "smtp.tls %q must be starttls, tls or none", s.TLS)
	}
	if s.Host != "" && (s.Port < 1 || s.Port > 65535) {
		fail("smtp.port", "smtp.port must be from 1 to 65535, not %d", s.Port)
	}
	if s.Password != "" && s.TLS == "none" {
		fail("smtp.password", "smtp: a password is never sent without TLS; set tls to starttls or tls")
	}
	if s.MaxMessages < 1 || s.MaxMessages > maxMessages {
		fail("smtp.max_messages", "smtp.max_messages must be from 1 to %d", maxMessages)
	}
	var err error
	if s.TimeoutPeriod, err = duration(s.Timeout); err != nil || s.TimeoutPeriod <= 0 || s.TimeoutPeriod > maxModuleTimeout {
		fail("smtp.timeout", "smtp.timeout %v", errOr(err, "must be more than 0s and at most 1h"))
	}
	c.checkPath(s.CAFile, "smtp.ca_file", fail)

	n := &c.Network
	if n.TimeoutPeriod, err = duration(n.Timeout); err != nil || n.TimeoutPeriod <= 0 || n.TimeoutPeriod > maxModuleTimeout {
		fail("network.timeout", "network.timeout %v", errOr(err, "must be more than 0s and at most 1h"))
	}
	if size, err := size(n.MaxResponseBytes); err != nil || size < 1 || size > 1<<30 {
		fail("network.max_response_bytes", "network.max_response_bytes %v", errOr(err, "must be from 1 byte to 1GiB"))
	} else {
		n.MaxResponseSize = int64(size)
	}
	if n.MaxRequests < 1 || n.MaxRequests > maxRequests {
		fail("network.max_requests", "network.max_requests must be from 1 to %d", maxRequests)
	}
	c.checkPath(n.CAFile, "network.ca_file", fail)
	for from, to := range n.ConnectTo {
		for _, hp := range []string{from, to} {
			if _, port, err := net.SplitHostPort(hp); err != nil || port == "" {
				fail("network.connect_to", "network.connect_to: %q must be host:port", hp)
			}
		}
	}

	d := &c.Data
	if size, err := size(d.MaxDocumentBytes); err != nil || size < 1 || size > 16<<20 {
		fail("data.max_document_bytes", "data.max_document_bytes %v", errOr(err, "must be from 1 byte to 16MiB"))
	} else {
		d.MaxDocumentSize = int(size)
	}
	if d.MaxCollectionDocuments < 1 || d.MaxCollectionDocuments > maxDocuments {
		fail("data.max_collection_documents", "data.max_collection_documents must be from 1 to %d", maxDocuments)
	}

	for i := range c.Jobs {
		j := &c.Jobs[i]
		key := fmt.Sprintf("jobs.%d.grants", i)
		label := fmt.Sprintf("job %q", j.Name)
		g := &j.Grants
		for _, db := range g.MySQL {
			if _, ok := c.Databases[db]; !ok {
				fail(key+".mysql", "%s is granted database %q, which no [databases.%s] table configures", label, db, db)
			}
		}
		for _, coll := range g.Data {
			if !identifier.MatchString(coll) {
				fail(key+".data", "%s: collection name %q may hold only letters, digits, '.', '_' and '-'", label, coll)
			}
		}
		g.Origins = g.Origins[:0]
		for _, o := range g.Network {
			origin, err := policy.ParseOrigin(o)
			if err != nil {
				fail(key+".network", "%s: network grant %q %v", label, o, err)
				continue
			}
			g.Origins = append(g.Origins, origin)
		}
		g.CIDRs = g.CIDRs[:0]
		for _, cidr := range g.NetworkCIDRs {
			p, err := policy.ParseCIDR(cidr)
			if err != nil {
				fail(key+".network_cidrs", "%s: %v", label, err)
				continue
			}
			g.CIDRs = append(g.CIDRs, p)
		}
		for _, from := range g.EmailFrom {
			if err := policy.CheckSender(from); err != nil {
				fail(key+".email_from", "%s: email_from %q %v", label, from, err)
			}
		}
		if len(g.EmailFrom) > 0 && c.SMTP.Host == "" {
			fail(key+".email_from", "%s may send email, but no [smtp] host is configured", label)
		}
		for _, domain := range g.EmailTo {
			if !policy.IsDomain(domain) {
				fail(key+".email_to", "%s: email_to %q must be a domain like \"example.com\"", label, domain)
			}
		}
	}
}

// checkPath checks that a file the config names (resolved by Parse) exists.
func (c *Config) checkPath(path, key string, fail func(key, format string, args ...any)) {
	if path == "" {
		return
	}
	if _, err := os.Stat(path); err != nil {
		fail(key, "%s cannot be read: %v", key, unwrapPathError(err))
	}
}
