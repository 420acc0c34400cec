package policy

import (
	"net/netip"
	"testing"
)

func TestGrantedCIDRs(t *testing.T) {
	t.Parallel()
	p, err := ParseCIDR("10.1.2.3/8")
	if err != nil || p != netip.MustParsePrefix("10.0.0.0/8") {
		t.Fatalf("ParseCIDR = %v, %v; want 10.0.0.0/8", p, err)
	}
	if _, err := ParseCIDR("10.0.0.0"); err == nil {
		t.Error("a bare address was read as a CIDR prefix")
	}
	cidrs := []netip.Prefix{p}
	for addr, ok := range map[string]bool{"10.9.9.9": true, "::ffff:10.0.0.1": true, "11.0.0.1": false, "::1": false} {
		if got := Granted(cidrs, netip.MustParseAddr(addr)); got != ok {
			t.Errorf("%s: granted = %v, want %v", addr, got, ok)
		}
	}
}

func TestNeverPublic(t *testing.T) {
	t.Parallel()
	for addr, never := range map[string]bool{
		"8.8.8.8": false, "2606:4700::1111": false,
		"64:ff9b::7f00:1": true, "64:ff9b:1::1": true, "2002:7f00:1::": true, "2001:0:1::1": true,
		"fe80::1%eth0": true,
	} {
		if got := NeverPublic(netip.MustParseAddr(addr)); got != never {
			t.Errorf("%s: never public = %v, want %v", addr, got, never)
		}
	}
	if !NeverPublic(netip.Addr{}) {
		t.Error("the zero address is not refused")
	}
}
