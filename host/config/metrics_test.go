package config

import (
	"net"
	"net/netip"
	"testing"
)

// FuzzLoopbackAddress: [metrics] listen never panics the check, and what
// it accepts is a host:port whose host is loopback.
func FuzzLoopbackAddress(f *testing.F) {
	for _, s := range []string{"127.0.0.1:9610", "[::1]:0", "localhost:9610", "0.0.0.0:9610", ":9610",
		"127.0.0.1", "[::ffff:127.0.0.1]:1", "127.1:80", "[fe80::1%lo]:80", "example.com:80", "127.0.0.1:65536", "127.0.0.1:-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		if loopbackAddress(addr) != nil {
			return
		}
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatalf("accepted %q, which is not host:port: %v", addr, err)
		}
		if ip, err := netip.ParseAddr(host); host != "localhost" && (err != nil || !ip.IsLoopback()) {
			t.Fatalf("accepted %q, whose host %q is not loopback", addr, host)
		}
	})
}
