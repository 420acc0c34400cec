package modules

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/abi/valuejson"
	"github.com/jobbox/jobbox/host/modules/options"
	"github.com/jobbox/jobbox/host/policy"
)

// maxRedirects bounds the hops of one request.
const maxRedirects = 5

// httpClient is one run's HTTP client: its dialer checks every address it
// connects to, and its redirect policy checks every hop against the job's
// grants.
type httpClient struct {
	client    *http.Client
	transport *http.Transport
}

func (c *httpClient) close() { c.transport.CloseIdleConnections() }

func (n *networkModule) httpClient(r *run) *httpClient {
	st := n.state(r)
	if st.client != nil {
		return st.client
	}
	netCfg := n.opts
	cidrs := r.grants.CIDRs
	dialer := &net.Dialer{
		Timeout: netCfg.Timeout.Duration(),
		// Control runs after DNS resolution, on the very address being
		// connected to, so a name that resolves (or rebinds) to a refused
		// address is caught here.
		Control: func(network, address string, _ syscall.RawConn) error {
			return checkAddress(address, cidrs)
		},
	}
	transport := &http.Transport{
		Proxy: nil, // never the environment's proxy: it would hide the address
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if to, ok := netCfg.ConnectTo[addr]; ok {
				addr = to
			}
			return dialer.DialContext(ctx, network, addr)
		},
		TLSClientConfig:       tlsConfig(n.roots, ""),
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          4,
		ResponseHeaderTimeout: netCfg.Timeout.Duration(),
	}
	st.client = &httpClient{transport: transport, client: &http.Client{
		Transport: transport,
		Timeout:   netCfg.Timeout.Duration(),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			// via holds the requests made so far: the first and one per
			// redirect followed.
			if len(via) > maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			if err := r.allowed(req.URL); err != nil {
				return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), err)
			}
			return nil
		},
	}}
	return st.client
}

// allowed checks a URL against the job's network grants.
func (r *run) allowed(u *url.URL) error {
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return fmt.Errorf("scheme %q is not supported (http or https)", u.Scheme)
	}
	if u.User != nil {
		return errors.New("URLs with a user name are not supported")
	}
	port := policy.DefaultPort(scheme)
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return fmt.Errorf("invalid port %q", p)
		}
		port = n
	}
	host := u.Hostname()
	if policy.AnyAllows(r.grants.Origins, scheme, host, port) {
		return nil
	}
	return r.notGranted("core.network access to %s://%s", scheme, net.JoinHostPort(host, strconv.Itoa(port)))
}

// networkModule is core.network: HTTP to the origins granted to a job.
type networkModule struct {
	opts  options.Network
	roots *x509.CertPool // nil: the system's
}

func newNetworkModule(set options.Set, _ shared) coreModule {
	return &networkModule{opts: set.Network}
}

// networkRun is a run's use of core.network.
type networkRun struct {
	requests int
	client   *httpClient // made at the first request
}

func (n *networkModule) state(r *run) *networkRun {
	return stateOf(r, abi.FuncNetwork, func() *networkRun { return &networkRun{} })
}

func (s *networkRun) close() {
	if s.client != nil {
		s.client.close()
	}
}

func (n *networkModule) provision() (err error) {
	if n.roots, err = loadRoots(n.opts.CAFile); err != nil {
		return fmt.Errorf("network.ca_file: %w", err)
	}
	return nil
}

// call serves core.network.METHOD(url, ...).
func (n *networkModule) call(ctx context.Context, r *run, method string, a args) ([]any, error) {
	if len(r.grants.Origins) == 0 {
		return nil, r.notGranted("core.network")
	}
	if method == "encode" {
		t, err := a.table(0, "core.network.encode's argument")
		if err != nil {
			return nil, err
		}
		return ok(formEncode(t)), nil
	}
	rawURL, err := a.string(0, "core.network."+method+"'s URL")
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("core.network.%s: %q is not a URL: %w", method, rawURL, err)
	}
	if err := r.allowed(u); err != nil {
		return nil, fmt.Errorf("core.network.%s: %w", method, err)
	}
	req, err := requestOf(method, rawURL, a)
	if err != nil {
		return nil, err
	}
	st := n.state(r)
	if st.requests++; st.requests > n.opts.MaxRequests {
		return failure(fmt.Errorf("core.network: more than %d requests in one run (network.max_requests)", n.opts.MaxRequests)), nil
	}
	resp, err := n.do(ctx, r, req)
	if err != nil && ctx.Err() != nil {
		err = deadlineError(ctx)
	}
	if err != nil {
		return failure(fmt.Errorf("core.network.%s %s: %w", method, u.Redacted(), err)), nil
	}
	if method == "request" {
		return ok(resp.table()), nil
	}
	if resp.status < 200 || resp.status > 299 {
		return failure(fmt.Errorf("core.network.%s %s: HTTP %d", method, u.Redacted(), resp.status), int64(resp.status)), nil
	}
	if method == "getJson" || method == "postJson" {
		v, err := valuejson.Decode([]byte(resp.body))
		if err != nil {
			return failure(fmt.Errorf("core.network.%s %s: the response is not JSON: %w", method, u.Redacted(), err)), nil
		}
		return ok(v), nil
	}
	return ok(resp.body), nil
}

type httpRequest struct {
	method, url, body, contentType string
	headers                        abi.Table
}

type httpResponse struct {
	status  int
	headers http.Header
	body    string
}

func (resp httpResponse) table() abi.Table {
	keys := make([]string, 0, len(resp.headers))
	for k := range resp.headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	headers := make(abi.Table, 0, len(keys))
	for _, k := range keys {
		headers = append(headers, abi.Field{Key: k, Value: strings.Join(resp.headers[k], ", ")})
	}
	return abi.Table{{Key: "status", Value: int64(resp.status)}, {Key: "headers", Value: headers}, {Key: "body", Value: resp.body}}
}

// requestOf reads the request of core.network.METHOD(url, ...) from its
// arguments after the URL: a body, options and their headers.
func requestOf(method, rawURL string, a args) (httpRequest, error) {
	req := httpRequest{method: "GET", url: rawURL}
	var opts abi.Table
	var err error
	switch method {
	case "request":
		if opts, err = a.table(1, "core.network.request's options"); err != nil {
			return req, err
		}
		if m, ok := opts.Get("method").(string); ok {
			req.method = strings.ToUpper(m)
		}
		req.body, _ = opts.Get("body").(string)
	case "get", "getJson":
		if opts, err = a.table(1, "core.network."+method+"'s options"); err != nil {
			return req, err
		}
	case "post":
		req.method = "POST"
		if req.body, err = a.string(1, "core.network.post's body"); err != nil {
			return req, err
		}
		if opts, err = a.table(2, "core.network.post's options"); err != nil {
			return req, err
		}
		req.contentType = "application/x-www-form-urlencoded"
	case "postJson":
		req.method, req.contentType = "POST", "application/json"
		b, err := valuejson.Encode(a.at(1))
		if err != nil {
			return req, fmt.Errorf("core.network.postJson: %w", err)
		}
		req.body = string(b)
		if opts, err = a.table(2, "core.network.postJson's options"); err != nil {
			return req, err
		}
	default:
		return req, fmt.Errorf("core.network has no method %q", method)
	}
	if h, ok := opts.Get("headers").(abi.Table); ok {
		req.headers = h
	}
	return req, nil
}

// do sends req with the run's client, and reads no more of the response
// than network.max_response_bytes and the run's budget allow.
func (n *networkModule) do(ctx context.Context, r *run, req httpRequest) (httpResponse, error) {
	hr, err := http.NewRequestWithContext(ctx, req.method, req.url, strings.NewReader(req.body))
	if err != nil {
		return httpResponse{}, err
	}
	if req.contentType != "" {
		hr.Header.Set("Content-Type", req.contentType)
	}
	hr.Header.Set("User-Agent", "jobbox")
	for _, f := range req.headers {
		v, ok := f.Value.(string)
		if !ok {
			return httpResponse{}, fmt.Errorf("header %v must be a string", f.Key)
		}
		hr.Header.Set(keyOf(f), v)
	}
	resp, err := n.httpClient(r).client.Do(hr)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return httpResponse{}, err
	}
	defer resp.Body.Close()
	// Read no more than the body may have, and than the run has left.
	limit := int64(n.opts.MaxResponseBytes.Bytes())
	b := budgetOf(ctx)
	read := limit
	if b.limited {
		read = min(read, b.left)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, read+1))
	if err != nil {
		if ctx.Err() != nil {
			err = deadlineError(ctx)
		}
		return httpResponse{}, err
	}
	if int64(len(body)) > limit {
		return httpResponse{}, fmt.Errorf("the response is larger than %d bytes (network.max_response_bytes)", limit)
	}
	if err := b.take(len(body)); err != nil {
		return httpResponse{}, err
	}
	return httpResponse{status: resp.StatusCode, headers: resp.Header, body: string(body)}, nil
}

func formEncode(t abi.Table) string {
	v := url.Values{}
	for _, f := range t {
		switch x := f.Value.(type) {
		case string:
			v.Add(keyOf(f), x)
		case int64:
			v.Add(keyOf(f), strconv.FormatInt(x, 10))
		case float64:
			v.Add(keyOf(f), strconv.FormatFloat(x, 'g', -1, 64))
		case bool:
			v.Add(keyOf(f), strconv.FormatBool(x))
		}
	}
	return v.Encode()
}
