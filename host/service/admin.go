package service

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jobbox/jobbox/host/api"
)

// JobJSON is one job as `jobbox jobs --json` prints it.
type JobJSON struct {
	Name       string     `json:"name"`
	File       string     `json:"file"`
	IntervalS  float64    `json:"interval_s"`
	RunOnce    bool       `json:"run_once"`
	State      string     `json:"state"`
	LastStatus string     `json:"last_status"`
	LastError  string     `json:"last_error"`
	LastRun    *time.Time `json:"last_run"`
	NextRun    *time.Time `json:"next_run"`
	Runs       int64      `json:"runs"`
}

// StatusJSON is the service's status.
type StatusJSON struct {
	Status string `json:"status"`
	Jobs   int    `json:"jobs"`
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC().Truncate(time.Millisecond)
	return &t
}

// serviceRoutes are the admin API's routes to the state store and the
// metrics: /metrics answers a viewer's token too, for a Prometheus that
// scrapes the admin listener rather than [metrics] listen.
func (s *Service) serviceRoutes() []api.Route {
	return []api.Route{
		{Method: "GET", Path: "/metrics", Role: api.Viewer, Handler: s.MetricsHandler().ServeHTTP},
		{Method: "GET", Path: "/v1/store/check", Role: api.Admin, Handler: func(w http.ResponseWriter, r *http.Request) {
			api.WriteJSON(w, http.StatusOK, s.store.Check())
		}},
		{Method: "GET", Path: "/v1/store/backup", Role: api.Admin, Handler: s.serveBackup},
	}
}

// serveBackup streams a consistent copy of the store. An error half way
// can only cut the copy short, which the client sees by its length.
func (s *Service) serveBackup(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/octet-stream")
	_, err := s.store.Backup(w, func(size int64) {
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	})
	if err != nil {
		s.log.Error().Err(err).Msg("store backup failed")
	}
}

// Client talks to a running service over its admin socket or, with a
// token, over its HTTP API.
type Client struct {
	base  string // the API's base URL
	where string // the socket or URL, for messages
	token string // a bearer token; "" on the socket
	http  *http.Client
}

// NewClient returns a client of the service whose state directory is stateDir.
func NewClient(stateDir string) *Client {
	socket := filepath.Join(stateDir, SocketFile)
	return &Client{base: "http://jobbox", where: socket, http: &http.Client{
		Timeout: 2 * time.Minute, // a reload waits for nothing, but be generous
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		}},
	}}
}

// NewRemoteClient returns a client of the admin API at base (such as
// https://jobs.example.com:8610) that authenticates with token.
func NewRemoteClient(base, token string) *Client {
	base = strings.TrimRight(base, "/")
	return &Client{base: base, where: base, token: token, http: &http.Client{Timeout: 2 * time.Minute}}
}

func (c *Client) request(ctx context.Context, method, path string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

// Download copies the body of the admin API's GET path to w, checking it
// arrived whole.
func (c *Client) Download(ctx context.Context, path string, w io.Writer) error {
	req, err := c.request(ctx, http.MethodGet, path)
	if err != nil {
		return err
	}
	client := *c.http
	client.Timeout = 0 // a big store takes its time; ctx bounds the call
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the jobbox service at %s: %w", c.where, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the service answered %s", resp.Status)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return fmt.Errorf("receiving from the service: %w", err)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return fmt.Errorf("the service sent %d of %d bytes", n, resp.ContentLength)
	}
	return nil
}

// Do calls the admin API and decodes its answer into out.
func (c *Client) Do(ctx context.Context, method, path string, out any) error {
	_, err := c.Send(ctx, Call{Method: method, Path: path, Out: out})
	return err
}
