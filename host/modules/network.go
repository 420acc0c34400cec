package modules

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/abi/valuejson"
	"github.com/jobbox/jobbox/host/modules/options"
	"github.com/jobbox/jobbox/host/policy"
)

// Coronium's general error codes (client/codes.md) that core.network
// returns as the third value of a failure.
const (
	codeNetwork    = 815 // General Network error.
	codeJSONDecode = 830 // JSON decode failed.
	codeJSONEncode = 831 // JSON encode failed.
)

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

// call serves core.network.METHOD(...). Every method but encode and
// pipeline takes the URL first. A URL outside the job's grants fails the
// run; a request that fails returns nil, err, code.
func (n *networkModule) call(ctx context.Context, r *run, method string, a args) ([]any, error) {
	if len(r.grants.Origins) == 0 {
		return nil, r.notGranted("core.network")
	}
	switch method {
	case "encode":
		t, err := a.table(0, "core.network.encode's argument")
		if err != nil {
			return nil, err
		}
		return ok(formEncode(t)), nil
	case "pipeline":
		return n.pipeline(ctx, r, a)
	}
	rawURL, err := a.string(0, "core.network."+method+"'s URL")
	if err != nil {
		return nil, err
	}
	if err := r.check(method, rawURL); err != nil {
		return nil, err
	}
	req, err := requestOf(method, rawURL, a)
	if err != nil {
		var je jsonEncodeError
		if errors.As(err, &je) {
			return failure(err, int64(codeJSONEncode)), nil
		}
		return nil, err
	}
	resp, fail := n.send(ctx, r, method, req, budgetOf(ctx))
	if fail != nil {
		return fail, nil
	}
	if method != "getJson" {
		return ok(resp.table()), nil
	}
	if resp.status < 200 || resp.status > 299 {
		return failure(fmt.Errorf("core.network.getJson %s: HTTP %d", redacted(rawURL), resp.status), int64(resp.status)), nil
	}
	v, err := valuejson.Decode([]byte(resp.body))
	if err != nil {
		return failure(fmt.Errorf("core.network.getJson %s: the response is not JSON: %w", redacted(rawURL), err), int64(codeJSONDecode)), nil
	}
	return ok(v), nil
}

// check parses a URL and checks it against the job's grants.
func (r *run) check(method, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("core.network.%s: %q is not a URL: %w", method, rawURL, err)
	}
	if err := r.allowed(u); err != nil {
		return fmt.Errorf("core.network.%s: %w", method, err)
	}
	return nil
}

// send makes one request of the run, counted against network.max_requests;
// a failure comes back as the call's result (nil, err, 815).
func (n *networkModule) send(ctx context.Context, r *run, method string, req httpRequest, b *budget) (httpResponse, []any) {
	st := n.state(r)
	if st.requests++; st.requests > n.opts.MaxRequests {
		return httpResponse{}, failure(fmt.Errorf("core.network: more than %d requests in one run (network.max_requests)", n.opts.MaxRequests), int64(codeNetwork))
	}
	resp, err := n.do(ctx, r, req, b)
	if err != nil && ctx.Err() != nil {
		err = deadlineError(ctx)
	}
	if err != nil {
		return httpResponse{}, failure(fmt.Errorf("core.network.%s %s %s: %w", method, req.method, redacted(req.url), err), int64(codeNetwork))
	}
	return resp, nil
}

func redacted(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		return u.Redacted()
	}
	return rawURL
}

// pipeline serves core.network.pipeline(requests, url): the requests in
// order against one base URL, each checked against the grants and counted
// against network.max_requests, their bodies together against the run's
// budget. The first request that fails fails the call.
func (n *networkModule) pipeline(ctx context.Context, r *run, a args) ([]any, error) {
	base, err := a.string(1, "core.network.pipeline's url")
	if err != nil {
		return nil, err
	}
	reqs, err := pipelineRequests(a.at(0), base)
	if err != nil {
		return nil, err
	}
	for _, req := range reqs {
		if err := r.check("pipeline", req.url); err != nil {
			return nil, err
		}
	}
	b := budgetOf(ctx)
	responses := make([]any, 0, len(reqs))
	for _, req := range reqs {
		resp, fail := n.send(ctx, r, "pipeline", req, b)
		if fail != nil {
			return fail, nil
		}
		responses = append(responses, resp.table())
	}
	return ok(responses), nil
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

func formEncode(t abi.Table) string {
	v := url.Values{}
	for _, f := range t {
		if s, ok := scalarText(f.Value); ok {
			v.Add(keyOf(f), s)
		}
	}
	return v.Encode()
}

// scalarText is a string, number or boolean as Lua's tostring writes it.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}
