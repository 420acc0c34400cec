package policy

import (
	"fmt"
	"net/netip"
)

// ParseCIDR reads a network_cidrs grant such as "10.0.0.0/8", masked so
// that "10.1.2.3/8" grants the same as "10.0.0.0/8".
func ParseCIDR(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a CIDR prefix like \"10.0.0.0/8\"", s)
	}
	return p.Masked(), nil
}

// Granted reports whether one of cidrs holds ip, judged as the IPv4
// address it is when it is IPv4-mapped.
func Granted(cidrs []netip.Prefix, ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range cidrs {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// embedding are prefixes that carry any IPv4 address inside an IPv6 one,
// so a public-looking IPv6 address can reach a refused IPv4 one through a
// gateway. The IANA special-purpose registries list them as global.
var embedding = [...]netip.Prefix{
	netip.MustParsePrefix("2002::/16"),      // 6to4
	netip.MustParsePrefix("2001::/32"),      // Teredo
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
}

// NeverPublic reports the addresses refused whatever a special-purpose
// registry says of them: invalid ones, ones with a zone (a link's scope),
// and IPv6 forms that embed an arbitrary IPv4 address.
func NeverPublic(ip netip.Addr) bool {
	if !ip.IsValid() || ip.Zone() != "" {
		return true
	}
	for _, p := range embedding {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
