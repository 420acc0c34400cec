package options

import (
	"net/netip"

	"github.com/jobbox/jobbox/host/policy"
)

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
}

// ParsedNetwork returns the origins and CIDR prefixes of the network
// grant, leaving out any that do not parse (Validate reports them).
func (g Grants) ParsedNetwork() ([]policy.Origin, []netip.Prefix) {
	var origins []policy.Origin
	for _, o := range g.Network {
		if origin, err := policy.ParseOrigin(o); err == nil {
			origins = append(origins, origin)
		}
	}
	var cidrs []netip.Prefix
	for _, cidr := range g.NetworkCIDRs {
		if p, err := policy.ParseCIDR(cidr); err == nil {
			cidrs = append(cidrs, p)
		}
	}
	return origins, cidrs
}
