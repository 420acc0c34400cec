package policy

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Origin is a parsed network grant.
type Origin struct {
	Scheme string // "http", "https", or "" for both
	Host   string // exact host, or ".example.com" for "*.example.com"
	Port   int    // 0: the scheme's default
}

// DefaultPort is the port a URL of scheme means when it names none: 80 for
// http, 443 for https, 0 for anything else.
func DefaultPort(scheme string) int {
	switch scheme {
	case "http":
		return 80
	case "https":
		return 443
	}
	return 0
}

// Allows reports whether a request to scheme://host:port may go out.
func (o Origin) Allows(scheme, host string, port int) bool {
	if o.Scheme != "" && o.Scheme != scheme {
		return false
	}
	want := o.Port
	if want == 0 {
		want = DefaultPort(scheme)
	}
	if port != want {
		return false
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if strings.HasPrefix(o.Host, ".") {
		return strings.HasSuffix(host, o.Host) && len(host) > len(o.Host)
	}
	return host == o.Host
}

// AnyAllows reports whether one of origins allows scheme://host:port.
func AnyAllows(origins []Origin, scheme, host string, port int) bool {
	for _, o := range origins {
		if o.Allows(scheme, host, port) {
			return true
		}
	}
	return false
}

// ParseOrigin reads a network grant: [scheme://]host[:port], where host may
// start with "*." for every subdomain. Its errors complete a sentence that
// starts with the grant ("network grant "x" has scheme ...").
func ParseOrigin(s string) (Origin, error) {
	var o Origin
	rest := s
	if scheme, after, ok := strings.Cut(s, "://"); ok {
		if scheme != "http" && scheme != "https" {
			return o, fmt.Errorf("has scheme %q; only http and https are supported", scheme)
		}
		o.Scheme, rest = scheme, after
	}
	rest = strings.TrimSuffix(rest, "/")
	if strings.ContainsAny(rest, "/?#@") {
		return o, fmt.Errorf("must be an origin ([scheme://]host[:port]), with no path or user")
	}
	host := rest
	if h, port, err := net.SplitHostPort(rest); err == nil {
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 {
			return o, fmt.Errorf("has an invalid port %q", port)
		}
		host, o.Port = h, p
	}
	host = strings.ToLower(host)
	if wild, ok := strings.CutPrefix(host, "*."); ok {
		host = "." + wild
	}
	if host == "" || host == "." || strings.Contains(host, "*") {
		return o, fmt.Errorf("needs a host name; a wildcard may only start it, as in *.example.com")
	}
	o.Host = host
	return o, nil
}
