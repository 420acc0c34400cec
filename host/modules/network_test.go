package modules

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/sandbox"
)

// testRun returns one run of a job with grants, under a config parsed from
// the TOML given (plus the defaults).
func testRun(t *testing.T, toml string, grants config.Grants) *run {
	t.Helper()
	cfg := config.DefaultConfig()
	if err := cfg.Parse([]byte(toml), "config.toml"); err != nil {
		t.Fatal(err)
	}
	cfg.Jobs = []config.Job{{Name: "job", File: "job.lua", Interval: config.Seconds(60), Grants: grants}}
	if err := cfg.Validate(); err != nil && !strings.Contains(err.Error(), "job.lua") {
		t.Fatal(err)
	}
	h, err := New(cfg.Modules(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	r := h.ForJob("job", cfg.Jobs[0].Grants).Open().(*run)
	t.Cleanup(r.Close)
	return r
}

func get(r *run, url string) ([]any, error) {
	return r.Call(context.Background(), "network", "get", []any{url})
}

// bodyOf is the body of the response table a call returned, or "".
func bodyOf(res []any) string {
	if len(res) == 0 {
		return ""
	}
	t, _ := res[0].(abi.Table)
	return t.String("body")
}

func TestNetworkRefusesNonPublicAddresses(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/metadata":
			http.Redirect(rw, r, "http://metadata.test/latest/meta-data/", http.StatusFound)
		case "/loopback":
			_, port, _ := net.SplitHostPort(r.Host)
			http.Redirect(rw, r, "http://localhost:"+port+"/", http.StatusFound)
		default:
			fmt.Fprint(rw, "reached")
		}
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	toml := `[network.connect_to]
"metadata.test:80" = "169.254.169.254:80"
"rebind.test:` + port + `" = "127.0.0.1:` + port + `"
`
	origins := []string{"http://127.0.0.1:" + port, "http://localhost:" + port, "http://metadata.test", "http://rebind.test:" + port, "http://10.0.0.1", "http://[::1]:" + port}
	refused := testRun(t, toml, config.Grants{Network: origins})
	cases := []struct{ url, why string }{
		{"http://127.0.0.1:" + port + "/", "loopback by address"},
		{"http://localhost:" + port + "/", "a name that resolves to loopback"},
		{"http://rebind.test:" + port + "/", "a name sent to loopback at dial time"},
		{"http://[::1]:" + port + "/", "IPv6 loopback"},
		{"http://10.0.0.1/", "a private address"},
		{"http://metadata.test/", "the cloud metadata address"},
	}
	for _, c := range cases {
		res, err := get(refused, c.url)
		if err != nil {
			t.Fatalf("%s: %v", c.why, err)
		}
		if res[0] != nil || !strings.Contains(fmt.Sprint(res[1]), "not a public address") {
			t.Errorf("%s (%s): got %v, want refused as not a public address", c.why, c.url, res)
		}
	}

	// Granted by CIDR, loopback is reachable, and a redirect is checked
	// again at every hop: to a granted origin whose address is refused, and
	// to an origin not granted at all.
	cidr := testRun(t, toml, config.Grants{Network: origins, NetworkCIDRs: []string{"127.0.0.0/8"}})
	if res, err := get(cidr, "http://127.0.0.1:"+port+"/"); err != nil || bodyOf(res) != "reached" {
		t.Fatalf("loopback granted by CIDR: %v %v", res, err)
	}
	if res, _ := get(cidr, "http://127.0.0.1:"+port+"/metadata"); res[0] != nil || !strings.Contains(fmt.Sprint(res[1]), "169.254.169.254") {
		t.Errorf("redirect to the metadata address: got %v", res)
	}
	narrow := testRun(t, toml, config.Grants{Network: []string{"http://127.0.0.1:" + port}, NetworkCIDRs: []string{"127.0.0.0/8"}})
	if res, _ := get(narrow, "http://127.0.0.1:"+port+"/loopback"); res[0] != nil || !strings.Contains(fmt.Sprint(res[1]), "not granted") {
		t.Errorf("redirect to an origin not granted: got %v", res)
	}
}

func TestNetworkOnlyGrantedOrigins(t *testing.T) {
	t.Parallel()
	r := testRun(t, "", config.Grants{Network: []string{"https://api.example.com", "*.example.org:8443"}})
	for rawURL, ok := range map[string]bool{
		"https://api.example.com/x":         true,
		"http://api.example.com/x":          false, // wrong scheme
		"https://api.example.com:444/":      false, // wrong port
		"https://evil.com/?api.example.com": false,
		"https://a.example.org:8443/":       true,
		"http://b.a.example.org:8443/":      true,
		"https://example.org:8443/":         false, // the wildcard needs a subdomain
		"https://a.example.org/":            false,
		"file:///etc/passwd":                false,
	} {
		u, _ := url.Parse(rawURL)
		err := r.allowed(u)
		if (err == nil) != ok {
			t.Errorf("%s: allowed = %v (%v), want %v", rawURL, err == nil, err, ok)
		}
		if err != nil && strings.Contains(rawURL, "example") && !errors.Is(err, sandbox.ErrNotGranted) {
			t.Errorf("%s: %v is not a not-granted error", rawURL, err)
		}
	}
}

func TestModulesWithoutGrantsAreNotGranted(t *testing.T) {
	t.Parallel()
	r := testRun(t, "", config.Grants{})
	for _, c := range []struct{ module, method string }{{"mysql", "select"}, {"data", "collection"}, {"network", "get"}, {"email", "send"}} {
		_, err := r.Call(context.Background(), c.module, c.method, []any{"x", abi.Table{}})
		if !errors.Is(err, sandbox.ErrNotGranted) || !strings.Contains(err.Error(), "core."+c.module+" is not granted to job job") {
			t.Errorf("core.%s.%s: %v", c.module, c.method, err)
		}
	}
}

func TestMySQLHelpersNeedNoDatabase(t *testing.T) {
	t.Parallel()
	cfg := "[databases.app]\ndsn = \"u:p@tcp(127.0.0.1:1)/app\"\n"
	r := testRun(t, cfg, config.Grants{MySQL: []string{"app"}})
	if res, err := r.Call(context.Background(), "mysql", "escape", []any{"it's \"x\"\n"}); err != nil || res[0] != `'it\'s \"x\"\n'` {
		t.Errorf("escape: %v %v", res, err)
	}
	if _, err := r.Call(context.Background(), "mysql", "escape", nil); err == nil {
		t.Error("escape with no argument did not fail")
	}
	if res, err := r.Call(context.Background(), "mysql", "date", []any{int64(0)}); err != nil || res[0] == "" {
		t.Errorf("date: %v %v", res, err)
	}
	// Arguments are read before any connection: the server is down here.
	if _, err := r.Call(context.Background(), "mysql", "select", []any{"app", "items"}); err == nil || !strings.Contains(err.Error(), "must be a table") {
		t.Errorf("select with a string for options: %v", err)
	}
	if res, _ := r.Call(context.Background(), "mysql", "select", []any{"app", abi.Table{}}); res[0] != nil || !strings.Contains(fmt.Sprint(res[1]), "tbl") {
		t.Errorf("select with no table: %v", res)
	}
}

// TestNetworkFollowsFiveRedirects: network's redirect limit of 5 follows
// five hops and refuses the sixth.
func TestNetworkFollowsFiveRedirects(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var left int
		if _, err := fmt.Sscanf(r.URL.Path, "/hops/%d", &left); err == nil && left > 0 {
			http.Redirect(rw, r, fmt.Sprintf("/hops/%d", left-1), http.StatusFound)
			return
		}
		fmt.Fprint(rw, "reached")
	}))
	defer srv.Close()
	base := "http://" + srv.Listener.Addr().String()
	r := testRun(t, "", config.Grants{Network: []string{base}, NetworkCIDRs: []string{"127.0.0.0/8"}})
	for hops, want := range map[int]string{0: "reached", 4: "reached", maxRedirects: "reached", maxRedirects + 1: "more than 5 redirects"} {
		res, err := get(r, fmt.Sprintf("%s/hops/%d", base, hops))
		if err != nil {
			t.Fatalf("%d hops: %v", hops, err)
		}
		if got := fmt.Sprint(res...); !strings.Contains(got, want) {
			t.Errorf("%d hops: got %v, want %q", hops, res, want)
		}
	}
}
