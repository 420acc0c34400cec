package options

import (
	"net"
	"time"

	"github.com/jobbox/jobbox/host/policy"
)

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

// DefaultNetwork is [network] when the config leaves it out.
func DefaultNetwork() Network {
	return Network{Timeout: "10s", MaxResponseBytes: "4MiB", MaxRequests: 20}
}

// Validate checks [network] and resolves its timeout and size.
func (n *Network) Validate(c *Checker) {
	var err error
	if n.TimeoutPeriod, err = c.Duration(n.Timeout); err != nil || n.TimeoutPeriod <= 0 || n.TimeoutPeriod > maxModuleTimeout {
		c.Fail("network.timeout", "network.timeout %v", errOr(err, "must be more than 0s and at most 1h"))
	}
	if size, err := c.Size(n.MaxResponseBytes); err != nil || size < 1 || size > 1<<30 {
		c.Fail("network.max_response_bytes", "network.max_response_bytes %v", errOr(err, "must be from 1 byte to 1GiB"))
	} else {
		n.MaxResponseSize = int64(size)
	}
	if n.MaxRequests < 1 || n.MaxRequests > maxRequests {
		c.Fail("network.max_requests", "network.max_requests must be from 1 to %d", maxRequests)
	}
	c.Readable(n.CAFile, "network.ca_file")
	for from, to := range n.ConnectTo {
		for _, hp := range []string{from, to} {
			if _, port, err := net.SplitHostPort(hp); err != nil || port == "" {
				c.Fail("network.connect_to", "network.connect_to: %q must be host:port", hp)
			}
		}
	}
}

// ValidateGrants parses a job's origins and CIDR prefixes into g.Origins
// and g.CIDRs.
func (n *Network) ValidateGrants(g *Grants, job Job, c *Checker) {
	g.Origins = g.Origins[:0]
	for _, o := range g.Network {
		origin, err := policy.ParseOrigin(o)
		if err != nil {
			c.Fail(job.Key+".network", "%s: network grant %q %v", job.Label, o, err)
			continue
		}
		g.Origins = append(g.Origins, origin)
	}
	g.CIDRs = g.CIDRs[:0]
	for _, cidr := range g.NetworkCIDRs {
		p, err := policy.ParseCIDR(cidr)
		if err != nil {
			c.Fail(job.Key+".network_cidrs", "%s: %v", job.Label, err)
			continue
		}
		g.CIDRs = append(g.CIDRs, p)
	}
}
