package policy

import (
	"strings"
	"testing"
)

func TestParseOrigin(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Origin{
		"api.example.com":            {Host: "api.example.com"},
		"https://API.example.com/":   {Scheme: "https", Host: "api.example.com"},
		"*.example.org:8443":         {Host: ".example.org", Port: 8443},
		"http://127.0.0.1:8080":      {Scheme: "http", Host: "127.0.0.1", Port: 8080},
		"ftp://example.com":          {},
		"https://example.com/path":   {},
		"https://user@example.com":   {},
		"example.com:0":              {},
		"example.com:99999":          {},
		"a.*.example.com":            {},
		"*.":                         {},
		"":                           {},
		"https://example.com?x#frag": {},
	} {
		got, err := ParseOrigin(in)
		if (err == nil) != (want != Origin{}) || (err == nil && got != want) {
			t.Errorf("ParseOrigin(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
}

func TestOriginAllows(t *testing.T) {
	t.Parallel()
	origins := []Origin{{Scheme: "https", Host: "api.example.com"}, {Host: ".example.org", Port: 8443}}
	for _, c := range []struct {
		scheme, host string
		port         int
		ok           bool
	}{
		{"https", "api.example.com", 443, true},
		{"https", "API.example.com.", 443, true},
		{"http", "api.example.com", 80, false},        // wrong scheme
		{"https", "api.example.com", 444, false},      // wrong port
		{"https", "a.example.org", 8443, true},        // wildcard
		{"http", "b.a.example.org", 8443, true},       // any depth, either scheme
		{"https", "example.org", 8443, false},         // the wildcard needs a subdomain
		{"https", "a.example.org", 443, false},        // its port only
		{"https", "evilexample.org", 8443, false},     // a suffix is not a subdomain
		{"https", "api.example.com.evil", 443, false}, // nor a prefix
	} {
		if got := AnyAllows(origins, c.scheme, c.host, c.port); got != c.ok {
			t.Errorf("%s://%s:%d: allowed = %v, want %v", c.scheme, c.host, c.port, got, c.ok)
		}
	}
}

// FuzzParseOrigin: an accepted grant has a lower-case host with no
// wildcard but its leading dot, a port in range, and allows its own host.
func FuzzParseOrigin(f *testing.F) {
	for _, s := range []string{"api.example.com", "https://*.example.com:8443/", "http://[::1]:80", "*.", "a/b", "x:99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseOrigin(s)
		if err != nil {
			return
		}
		host := strings.TrimPrefix(o.Host, ".")
		if host == "" || host != strings.ToLower(host) || strings.Contains(host, "*") || o.Port < 0 || o.Port > 65535 {
			t.Fatalf("%q accepted as %+v", s, o)
		}
		port := o.Port
		if port == 0 {
			port = DefaultPort(o.Scheme)
		}
		// A grant ending in '.' matches nothing (requests' hosts lose
		// their trailing dot): closed, so not checked here.
		if !strings.HasPrefix(o.Host, ".") && !strings.HasSuffix(o.Host, ".") && o.Scheme != "" && !o.Allows(o.Scheme, o.Host, port) {
			t.Fatalf("%q (%+v) does not allow its own host", s, o)
		}
	})
}
