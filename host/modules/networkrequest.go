package modules

import (
	"fmt"
	"strings"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/abi/valuejson"
)

// httpRequest is one request a core.network call makes.
type httpRequest struct {
	method, url, body, contentType string
	headers                        abi.Table
}

// jsonEncodeError is postJson's table that JSON cannot hold (code 831).
type jsonEncodeError struct{ error }

// requestOf reads the request of core.network.METHOD(url, ...) from its
// arguments after the URL, in the documented shapes:
//
//	request(url, {method, headers, body, ssl_verify})
//	get(url[, headers])        getJson(url[, headers])
//	post(url, body[, headers]) postJson(url, tbl[, headers])
func requestOf(method, rawURL string, a args) (httpRequest, error) {
	req := httpRequest{method: "GET", url: rawURL}
	var err error
	switch method {
	case "request":
		var opts abi.Table
		if opts, err = a.table(1, "core.network.request's params"); err != nil {
			return req, err
		}
		if m, ok := opts.Get("method").(string); ok {
			req.method = strings.ToUpper(m)
		}
		if body := opts.Get("body"); body != nil {
			if req.body, err = (args{body}).string(0, "core.network.request's body"); err != nil {
				return req, err
			}
		}
		req.headers, err = headersOf(opts.Get("headers"), "core.network.request's headers")
	case "get", "getJson":
		req.headers, err = headersOf(a.at(1), "core.network."+method+"'s headers")
	case "post":
		req.method, req.contentType = "POST", "application/x-www-form-urlencoded"
		if body := a.at(1); body != nil {
			if req.body, err = a.string(1, "core.network.post's body"); err != nil {
				return req, err
			}
		}
		req.headers, err = headersOf(a.at(2), "core.network.post's headers")
	case "postJson":
		req.method, req.contentType = "POST", "application/json"
		b, jerr := valuejson.Encode(a.at(1))
		if jerr != nil {
			return req, jsonEncodeError{fmt.Errorf("core.network.postJson: the table cannot be JSON: %w", jerr)}
		}
		req.body = string(b)
		req.headers, err = headersOf(a.at(2), "core.network.postJson's headers")
	default:
		return req, fmt.Errorf("core.network has no method %q", method)
	}
	return req, err
}

// headersOf reads the headers argument: a table of names and values. A
// table with a "headers" table in it is the older options form
// ({headers = {...}}), which no header can be confused with: a header's
// value is never a table.
func headersOf(v any, what string) (abi.Table, error) {
	t, err := args{v}.table(0, what)
	if err != nil {
		return nil, err
	}
	if inner, isOpts := t.Get("headers").(abi.Table); isOpts {
		t = inner
	}
	for _, f := range t {
		if _, isText := scalarText(f.Value); !isText {
			return nil, fmt.Errorf("%s: header %v must be a string, not %s", what, f.Key, abi.TypeName(f.Value))
		}
	}
	return t, nil
}

// pipelineRequests reads pipeline's requests: a list of tables with path
// (joined to base), method (default GET), headers and body.
func pipelineRequests(v any, base string) ([]httpRequest, error) {
	list, isList := v.([]any)
	if !isList || len(list) == 0 {
		return nil, fmt.Errorf("core.network.pipeline's requests must be a list of request tables, not %s", abi.TypeName(v))
	}
	reqs := make([]httpRequest, 0, len(list))
	for i, item := range list {
		what := fmt.Sprintf("core.network.pipeline's request %d", i+1)
		t, err := args{item}.table(0, what)
		if err != nil {
			return nil, err
		}
		path, isPath := t.Get("path").(string)
		if !isPath {
			return nil, fmt.Errorf("%s has no path", what)
		}
		opts := args{nil, t}
		req, err := requestOf("request", joinURL(base, path), opts)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		reqs = append(reqs, req)
	}
	return reqs, nil
}

// joinURL joins a base URL and a path with one slash between them.
func joinURL(base, path string) string {
	if path == "" {
		return base
	}
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(path, "/")
}
