package modules

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/sandbox"
)

// echoServer answers every request with JSON of its method, path, the
// X-Test header and body; /status/404 answers 404 and /text plain text.
func echoServer(t *testing.T) (*run, string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/status/404":
			http.Error(rw, "gone", http.StatusNotFound)
			return
		case "/text":
			fmt.Fprint(rw, "not json")
			return
		}
		body, _ := io.ReadAll(r.Body)
		rw.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(rw).Encode(map[string]string{
			"method": r.Method, "path": r.URL.Path, "x": r.Header.Get("X-Test"),
			"type": r.Header.Get("Content-Type"), "body": string(body),
		})
	}))
	t.Cleanup(srv.Close)
	base := "http://" + srv.Listener.Addr().String()
	return testRun(t, "", config.Grants{Network: []string{base, "http://127.0.0.1:1"}, NetworkCIDRs: []string{"127.0.0.0/8"}}), base
}

func echoed(t *testing.T, body string) map[string]string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("the echo %q is not JSON: %v", body, err)
	}
	return m
}

// TestNetworkResponseShapes: get, post, request and postJson return the
// response table {body, headers, status} (2.5.0+), with the positional
// headers sent; getJson returns the decoded JSON.
func TestNetworkResponseShapes(t *testing.T) {
	t.Parallel()
	r, base := echoServer(t)
	hdr := abi.Table{{Key: "X-Test", Value: "yes"}}
	for _, c := range []struct {
		method string
		a      []any
		want   map[string]string
	}{
		{"get", []any{base + "/g", hdr}, map[string]string{"method": "GET", "path": "/g", "x": "yes"}},
		{"get", []any{base + "/g", abi.Table{{Key: "headers", Value: hdr}}}, map[string]string{"x": "yes"}},
		{"post", []any{base + "/p", "a=1", hdr}, map[string]string{"method": "POST", "body": "a=1", "x": "yes", "type": "application/x-www-form-urlencoded"}},
		{"post", []any{base + "/p"}, map[string]string{"method": "POST", "body": ""}},
		{"postJson", []any{base + "/j", abi.Table{{Key: "n", Value: int64(1)}}, hdr}, map[string]string{"body": `{"n":1}`, "type": "application/json", "x": "yes"}},
		{"request", []any{base + "/r", abi.Table{{Key: "method", Value: "put"}, {Key: "body", Value: "b"}, {Key: "headers", Value: hdr}}}, map[string]string{"method": "PUT", "body": "b", "x": "yes"}},
	} {
		res, err := r.Call(context.Background(), "network", c.method, c.a)
		if err != nil || len(res) != 1 {
			t.Fatalf("%s: %v %v", c.method, res, err)
		}
		resp := res[0].(abi.Table)
		if resp.Get("status") != int64(200) || resp.Get("headers").(abi.Table).Get("Content-Type") != "application/json" {
			t.Errorf("%s: response %v, want status 200 and its headers", c.method, resp)
		}
		got := echoed(t, resp.String("body"))
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%s: the server saw %s = %q, want %q", c.method, k, got[k], v)
			}
		}
	}
	res, err := r.Call(context.Background(), "network", "getJson", []any{base + "/gj", hdr})
	if err != nil || res[0].(abi.Table).String("x") != "yes" {
		t.Errorf("getJson with positional headers: %v %v", res, err)
	}
}

// TestNetworkFailuresAreValues: failures are nil, err, code: a status
// that is not 2xx is a response for get, an error with the status for
// getJson; a body that is not JSON is 830; an unreachable host 815.
func TestNetworkFailuresAreValues(t *testing.T) {
	t.Parallel()
	r, base := echoServer(t)
	ctx := context.Background()
	if res, _ := r.Call(ctx, "network", "get", []any{base + "/status/404"}); res[0].(abi.Table).Get("status") != int64(404) {
		t.Errorf("get of a 404: %v, want the response with status 404", res)
	}
	for _, c := range []struct {
		url  string
		code int64
	}{{base + "/status/404", 404}, {base + "/text", codeJSONDecode}, {"http://127.0.0.1:1/", codeNetwork}} {
		res, err := r.Call(ctx, "network", "getJson", []any{c.url})
		if err != nil || len(res) != 3 || res[0] != nil || res[2] != c.code {
			t.Errorf("getJson %s: %v %v, want nil, err, %d", c.url, res, err, c.code)
		}
	}
}

// TestNetworkPipeline: the requests run in order against the base URL,
// each answered by its response table; one failure fails the call, and a
// path whose origin is not granted fails the run before any request.
func TestNetworkPipeline(t *testing.T) {
	t.Parallel()
	r, base := echoServer(t)
	reqs := []any{
		abi.Table{{Key: "path", Value: "/page1.html"}},
		abi.Table{{Key: "path", Value: "page2.html"}, {Key: "method", Value: "POST"}, {Key: "body", Value: `{"name":"JSON"}`},
			{Key: "headers", Value: abi.Table{{Key: "Content-Type", Value: "application/json"}}}},
	}
	res, err := r.Call(context.Background(), "network", "pipeline", []any{reqs, base + "/"})
	if err != nil || len(res) != 1 {
		t.Fatalf("pipeline: %v %v", res, err)
	}
	list := res[0].([]any)
	if len(list) != 2 {
		t.Fatalf("pipeline: %d responses, want 2", len(list))
	}
	first, second := echoed(t, list[0].(abi.Table).String("body")), echoed(t, list[1].(abi.Table).String("body"))
	if first["method"] != "GET" || first["path"] != "/page1.html" || second["method"] != "POST" || second["path"] != "/page2.html" || second["type"] != "application/json" {
		t.Errorf("pipeline: the server saw %v then %v", first, second)
	}
	res, err = r.Call(context.Background(), "network", "pipeline", []any{[]any{abi.Table{{Key: "path", Value: "/x"}}}, "http://127.0.0.1:1"})
	if err != nil || len(res) != 3 || res[0] != nil || res[2] != int64(codeNetwork) {
		t.Errorf("pipeline to a closed port: %v %v, want nil, err, 815", res, err)
	}
	if _, err := r.Call(context.Background(), "network", "pipeline", []any{reqs, "https://elsewhere.example"}); err == nil || !strings.Contains(err.Error(), "not granted") {
		t.Errorf("pipeline to an origin not granted: %v", err)
	}
}

// TestPipelineLimits: the bodies of a pipeline count together against the
// run's budget, and each request against network.max_requests.
func TestPipelineLimits(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(rw, strings.Repeat("y", 30_000))
	}))
	defer srv.Close()
	base := "http://" + srv.Listener.Addr().String()
	r := testRun(t, "[network]\nmax_requests = 3\n", config.Grants{Network: []string{base}, NetworkCIDRs: []string{"127.0.0.0/8"}})
	two := []any{abi.Table{{Key: "path", Value: "/a"}}, abi.Table{{Key: "path", Value: "/b"}}}
	res, err := r.Call(sandbox.WithResultBudget(context.Background(), 50_000), "network", "pipeline", []any{two, base})
	if err != nil || res[0] != nil || !strings.Contains(fmt.Sprint(res[1]), "larger than the 50000 bytes") {
		t.Errorf("two 30000-byte bodies under a 50000-byte budget: %v %v", res, err)
	}
	// Two requests were made above; the third is the last allowed.
	res, _ = r.Call(context.Background(), "network", "pipeline", []any{two, base})
	if res[0] != nil || !strings.Contains(fmt.Sprint(res[1]), "network.max_requests") {
		t.Errorf("past max_requests: %v", res)
	}
}
