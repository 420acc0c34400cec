package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jobbox/jobbox/host/api"
)

// Call is one request of the admin API: its JSON body, the ETag it
// expects, and where its answer goes.
type Call struct {
	Method  string
	Path    string
	Body    any    // sent as JSON unless nil
	IfMatch string // sent as If-Match unless ""
	Out     any    // the answer's JSON is decoded into it unless nil
}

// Send makes call and returns the answer's ETag. An error answer is an
// *api.Error with its status, field and problems, whose message is the
// service's own sentence.
func (c *Client) Send(ctx context.Context, call Call) (string, error) {
	req, err := c.request(ctx, call.Method, call.Path)
	if err != nil {
		return "", err
	}
	if call.Body != nil {
		data, err := json.Marshal(call.Body)
		if err != nil {
			return "", fmt.Errorf("encoding the request: %w", err)
		}
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(data)), int64(len(data))
		req.Header.Set("Content-Type", "application/json")
	}
	if call.IfMatch != "" {
		req.Header.Set("If-Match", call.IfMatch)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var opErr *net.OpError
		if errors.As(err, &opErr) {
			return "", fmt.Errorf("cannot reach the jobbox service at %s (is `jobbox serve` running with this config?): %w", c.where, opErr.Err)
		}
		return "", fmt.Errorf("calling the jobbox service: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return "", fmt.Errorf("reading the service's answer: %w", err)
	}
	if resp.StatusCode/100 != 2 { // 201 Created, 202 Accepted
		var e api.ErrorBody
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return "", &api.Error{Status: resp.StatusCode, Field: e.Field, Problems: e.Problems, Err: errors.New(e.Error)}
		}
		return "", &api.Error{Status: resp.StatusCode, Err: fmt.Errorf("the service answered %s", resp.Status)}
	}
	if call.Out != nil {
		if err := json.Unmarshal(body, call.Out); err != nil {
			return "", fmt.Errorf("reading the service's answer: %w", err)
		}
	}
	return resp.Header.Get("ETag"), nil
}
