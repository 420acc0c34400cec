package modules

import (
	"net/netip"
	"testing"
)

func TestPublicAddress(t *testing.T) {
	t.Parallel()
	for addr, public := range map[string]bool{
		"8.8.8.8": true, "2606:4700::1111": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "0.0.0.0": false, "100.64.0.1": false, "::1": false,
		"fe80::1": false, "fc00::1": false, "::": false, "255.255.255.255": false, "224.0.0.1": false,
		"64:ff9b::7f00:1": false, "2002:7f00:1::": false,
		// IPv4-compatible and IPv4-translated forms of loopback and metadata.
		"::127.0.0.1": false, "::169.254.169.254": false, "::ffff:0:127.0.0.1": false, "::ffff:0:8.8.8.8": false,
		// TEST-NETs, discard-only, benchmarking, AMT, ORCHIDv2, documentation.
		"192.0.2.1": false, "198.51.100.7": false, "203.0.113.9": false, "100::1": false,
		"2001:2::1": false, "2001:20::1": false, "2001:db8::1": false, "3fff::1": false, "192.88.99.1": false,
		"fe80::1%eth0": false, "1.1.1.1": true, "2a00:1450:4001::1": true,
	} {
		if got := publicAddress(netip.MustParseAddr(addr)); got != public {
			t.Errorf("%s: public = %v, want %v", addr, got, public)
		}
	}
	if err := checkAddress("[::ffff:127.0.0.1]:80", nil); err == nil {
		t.Error("an IPv4-mapped loopback address was allowed")
	}
}
