package modules

import (
	"errors"
	"fmt"
	"net/netip"

	"code.dny.dev/ssrf"

	"github.com/jobbox/jobbox/host/policy"
)

// errAddressRefused is the error of a connection to an address no job may
// reach without a CIDR grant.
var errAddressRefused = errors.New("address refused")

// checkAddress refuses loopback, private, link-local (cloud metadata
// included), unspecified, multicast and other non-public addresses, unless
// one of cidrs grants them.
func checkAddress(address string, cidrs []netip.Prefix) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s is not an IP address", errAddressRefused, address)
	}
	ip := ap.Addr().Unmap()
	if policy.Granted(cidrs, ip) {
		return nil
	}
	if !publicAddress(ip) {
		return fmt.Errorf("%w: %s is not a public address (grant it with network_cidrs)", errAddressRefused, ip)
	}
	return nil
}

// guardian holds the IANA special-purpose registries (IPv4 and IPv6) as
// code.dny.dev/ssrf generates them from iana.org: it refuses every IPv6
// address outside global unicast (2000::/3), which covers the
// IPv4-compatible (::a.b.c.d) and IPv4-translated (::ffff:0:a.b.c.d)
// forms and 100::/64, and the registries' prefixes inside it.
var guardian = ssrf.New(ssrf.WithAnyPort(), ssrf.WithAnyNetwork())

// publicAddress reports whether ip is neither refused by policy nor
// special-purpose in the IANA registries.
func publicAddress(ip netip.Addr) bool {
	if policy.NeverPublic(ip) {
		return false
	}
	// Unmap so that ::ffff:a.b.c.d is judged as the IPv4 address it is.
	return guardian.SafeAddr(ip.Unmap()) == nil
}
