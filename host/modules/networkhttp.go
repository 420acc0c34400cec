package modules

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"

	"github.com/jobbox/jobbox/abi"
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

// httpResponse is what core.network returns of a response.
type httpResponse struct {
	status  int
	headers http.Header
	body    string
}

// table is the response table of the docs: {body, headers, status}, the
// headers by their canonical names, several values of one joined by ", ".
func (resp httpResponse) table() abi.Table {
	keys := make([]string, 0, len(resp.headers))
	for k := range resp.headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	headers := make(abi.Table, 0, len(keys))
	for _, k := range keys {
		headers = append(headers, abi.Field{Key: k, Value: strings.Join(resp.headers[k], ", ")})
	}
	return abi.Table{{Key: "body", Value: resp.body}, {Key: "headers", Value: headers}, {Key: "status", Value: int64(resp.status)}}
}

// do sends req with the run's client, and reads no more of the response
// than network.max_response_bytes and what b has left.
func (n *networkModule) do(ctx context.Context, r *run, req httpRequest, b *budget) (httpResponse, error) {
	hr, err := http.NewRequestWithContext(ctx, req.method, req.url, strings.NewReader(req.body))
	if err != nil {
		return httpResponse{}, err
	}
	if req.contentType != "" {
		hr.Header.Set("Content-Type", req.contentType)
	}
	hr.Header.Set("User-Agent", "jobbox")
	for _, f := range req.headers {
		v, _ := scalarText(f.Value) // headersOf refused every other value
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
	limit := int64(n.opts.MaxResponseBytes.Bytes())
	read := limit
	if b.limited {
		read = min(read, max(b.left-b.used, 0))
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
