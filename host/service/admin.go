package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jobbox/jobbox/host/sched"
	"github.com/jobbox/jobbox/host/store"
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

func jobJSON(v sched.JobView) JobJSON {
	return JobJSON{
		Name: v.Name, File: v.File, IntervalS: v.Interval.Seconds(), RunOnce: v.RunOnce,
		State: string(v.State), LastStatus: v.LastStatus, LastError: v.LastError,
		LastRun: timeOrNil(v.LastRun), NextRun: timeOrNil(v.NextRun), Runs: v.Runs,
	}
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC().Truncate(time.Millisecond)
	return &t
}

// adminHandler serves the admin API: the commands `jobs`, `reload`,
// `activate` and `deactivate` are thin clients of it.
func (s *Service) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, StatusJSON{Status: s.sched.Status(), Jobs: len(s.sched.Jobs())})
	})
	mux.HandleFunc("GET /v1/jobs", func(w http.ResponseWriter, r *http.Request) {
		views := s.sched.Jobs()
		out := make([]JobJSON, len(views))
		for i, v := range views {
			out[i] = jobJSON(v)
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("GET /v1/jobs/{name}/history", func(w http.ResponseWriter, r *http.Request) {
		runs, err := s.store.History(r.Context(), r.PathValue("name"), 50)
		if err != nil {
			writeError(w, http.StatusInternalServerError, err)
			return
		}
		if runs == nil {
			runs = []store.Run{}
		}
		writeJSON(w, http.StatusOK, runs)
	})
	mux.HandleFunc("GET /v1/store/check", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.store.Check())
	})
	mux.HandleFunc("GET /v1/store/backup", s.serveBackup)
	mux.HandleFunc("POST /v1/reload", func(w http.ResponseWriter, r *http.Request) {
		if err := s.Reload(r.Context()); err != nil {
			writeError(w, http.StatusUnprocessableEntity, err)
			return
		}
		writeJSON(w, http.StatusOK, StatusJSON{Status: s.sched.Status(), Jobs: len(s.sched.Jobs())})
	})
	for _, action := range []struct {
		path   string
		active bool
	}{{"activate", true}, {"deactivate", false}} {
		mux.HandleFunc("POST /v1/jobs/{name}/"+action.path, func(w http.ResponseWriter, r *http.Request) {
			if err := s.sched.SetActive(r.Context(), r.PathValue("name"), action.active); err != nil {
				writeError(w, http.StatusNotFound, err)
				return
			}
			if !action.active {
				s.metrics.Deactivated(store.ReasonAdmin)
			}
			writeJSON(w, http.StatusOK, map[string]string{"job": r.PathValue("name"), "result": action.path + "d"})
		})
	}
	return mux
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

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

// Client talks to a running service over its admin socket.
type Client struct {
	socket string
	http   *http.Client
}

// NewClient returns a client of the service whose state directory is stateDir.
func NewClient(stateDir string) *Client {
	socket := filepath.Join(stateDir, SocketFile)
	return &Client{socket: socket, http: &http.Client{
		Timeout: 2 * time.Minute, // a reload waits for nothing, but be generous
		Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		}},
	}}
}

// Download copies the body of the admin API's GET path to w, checking it
// arrived whole.
func (c *Client) Download(ctx context.Context, path string, w io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://jobbox"+path, nil)
	if err != nil {
		return err
	}
	client := *c.http
	client.Timeout = 0 // a big store takes its time; ctx bounds the call
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the jobbox service at %s: %w", c.socket, err)
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
	req, err := http.NewRequestWithContext(ctx, method, "http://jobbox"+path, nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var opErr *net.OpError
		if errors.As(err, &opErr) {
			return fmt.Errorf("cannot reach the jobbox service at %s (is `jobbox serve` running with this config?): %w", c.socket, opErr.Err)
		}
		return fmt.Errorf("calling the jobbox service: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("reading the service's answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return errors.New(e.Error)
		}
		return fmt.Errorf("the service answered %s", resp.Status)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(body, out)
}
