package options

import (
	"net"
	"time"

	"github.com/jobbox/jobbox/host/policy"
	"github.com/jobbox/jobbox/host/setting"
)

// Network is the [network] table: how core.network reaches the hosts
// granted to jobs.
type Network struct {
	Timeout          setting.Duration `toml:"timeout"`            // one request, redirects included
	MaxResponseBytes setting.Size     `toml:"max_response_bytes"` // one response body
	MaxRequests      int              `toml:"max_requests"`       // per run
	// CAFile adds trusted roots (PEM) for servers' certificates.
	CAFile string `toml:"ca_file"`
	// ConnectTo sends connections for "host:port" to another "host:port",
	// as curl's --connect-to does (split-horizon DNS, tests). The
	// address connected to is still checked against the job's grants.
	ConnectTo map[string]string `toml:"connect_to"`
}

// DefaultNetwork is [network] when the config leaves it out.
func DefaultNetwork() Network {
	return Network{Timeout: setting.DurationOf(10 * time.Second), MaxResponseBytes: setting.SizeOf("4MiB"), MaxRequests: 20}
}

// Validate checks [network].
func (n Network) Validate(c *Checker) {
	checkTimeout(n.Timeout, "network.timeout", "network.timeout", c)
	if size := n.MaxResponseBytes; size.Err() != nil || size.Bytes() < 1 || size.Bytes() > 1<<30 {
		c.Fail("network.max_response_bytes", "network.max_response_bytes %v", errOr(size.Err(), "must be from 1 byte to 1GiB"))
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

// ValidateGrants checks a job's origins and CIDR prefixes.
func (n Network) ValidateGrants(g Grants, job Job, c *Checker) {
	for _, o := range g.Network {
		if _, err := policy.ParseOrigin(o); err != nil {
			c.Fail(job.Key+".network", "%s: network grant %q %v", job.Label, o, err)
		}
	}
	for _, cidr := range g.NetworkCIDRs {
		if _, err := policy.ParseCIDR(cidr); err != nil {
			c.Fail(job.Key+".network_cidrs", "%s: %v", job.Label, err)
		}
	}
}
