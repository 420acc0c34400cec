package api

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"regexp"
	"strconv"
)

// JobEditor creates, updates and deletes jobs in their config files and
// reads, saves and tries their code. host/service implements it with
// host/jobedit; every change is audited and put in force. Errors are
// *Error with the status and, for refused config or code, the problems.
type JobEditor interface {
	// JobFields returns a job's [[jobs]] table as its file writes it,
	// and the file's ETag.
	JobFields(ctx context.Context, name string) (Fields, string, error)
	// CreateJob adds a job to target ("" for the config file, else a
	// file its include patterns name).
	CreateJob(ctx context.Context, target string, fields Fields) (Edit, error)
	UpdateJob(ctx context.Context, name string, fields Fields, ifMatch string) (Edit, error)
	DeleteJob(ctx context.Context, name, ifMatch string) (Edit, error)
	Code(ctx context.Context, name string) (Code, error)
	SaveCode(ctx context.Context, name, code, ifMatch string) (Code, error)
	// TryCode runs code once as the job, under its limits and grants,
	// and saves nothing.
	TryCode(ctx context.Context, name, code string) (TryResult, error)
}

// Fields are the keys of a job's [[jobs]] table: name, file, interval
// (seconds, or a duration string such as "1h"), run_once, active, grants,
// limits and the rest config.toml allows.
type Fields = map[string]any

// Edit is what a job edit wrote.
type Edit struct {
	Job         string `json:"job"`
	ConfigFile  string `json:"config_file"`
	ETag        string `json:"etag"`
	CreatedFile string `json:"created_file,omitempty"`
}

// Code is a job's Lua code, GET and PUT /v1/jobs/{name}/code.
type Code struct {
	Code string `json:"code"`
	File string `json:"file"`
	ETag string `json:"etag"`
}

// TryResult is POST /v1/jobs/{name}/try's answer: the run's outcome.
type TryResult struct {
	Status     string   `json:"status"`
	Error      string   `json:"error,omitempty"`
	DurationMS float64  `json:"duration_ms"`
	Logs       []string `json:"logs"`
}

// maxBody bounds a request's JSON: a job's table or its code.
const maxBody = 4 << 20

// editing makes h a handler that answers 501 when this server edits no
// jobs.
func (s *Server) editing(h func(http.ResponseWriter, *http.Request, JobEditor)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Editor == nil {
			WriteError(w, http.StatusNotImplemented, "this server does not edit jobs", "")
			return
		}
		h(w, r, s.opts.Editor)
	}
}

// decodeBody reads r's JSON body into v, answering 400 if it is not.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		WriteError(w, http.StatusBadRequest, "the request body must be a JSON object: "+err.Error(), "")
		return false
	}
	return true
}

// decodeCode reads a body {"code": "..."}, answering 400 (asking for
// what) if it is not one.
func decodeCode(w http.ResponseWriter, r *http.Request, what string) (string, bool) {
	var body struct {
		Code *string `json:"code"`
	}
	if !decodeBody(w, r, &body) {
		return "", false
	}
	if body.Code == nil {
		WriteError(w, http.StatusBadRequest, "give "+what+" as {\"code\": \"...\"}", "code")
		return "", false
	}
	return *body.Code, true
}

func (s *Server) jobFields(w http.ResponseWriter, r *http.Request, ed JobEditor) {
	fields, etag, err := ed.JobFields(r.Context(), r.PathValue("name"))
	answer(w, http.StatusOK, fields, etag, err)
}

func (s *Server) createJob(w http.ResponseWriter, r *http.Request, ed JobEditor) {
	var fields Fields
	if !decodeBody(w, r, &fields) {
		return
	}
	target, _ := fields["target"].(string)
	delete(fields, "target")
	edit, err := ed.CreateJob(r.Context(), target, tomlValues(fields))
	answer(w, http.StatusCreated, edit, edit.ETag, err)
}

func (s *Server) updateJob(w http.ResponseWriter, r *http.Request, ed JobEditor) {
	var fields Fields
	if !decodeBody(w, r, &fields) {
		return
	}
	edit, err := ed.UpdateJob(r.Context(), r.PathValue("name"), tomlValues(fields), r.Header.Get("If-Match"))
	answer(w, http.StatusOK, edit, edit.ETag, err)
}

func (s *Server) deleteJob(w http.ResponseWriter, r *http.Request, ed JobEditor) {
	edit, err := ed.DeleteJob(r.Context(), r.PathValue("name"), r.Header.Get("If-Match"))
	answer(w, http.StatusOK, edit, edit.ETag, err)
}

func (s *Server) getCode(w http.ResponseWriter, r *http.Request, ed JobEditor) {
	code, err := ed.Code(r.Context(), r.PathValue("name"))
	answer(w, http.StatusOK, code, code.ETag, err)
}

func (s *Server) saveCode(w http.ResponseWriter, r *http.Request, ed JobEditor) {
	src, ok := decodeCode(w, r, "the job's new code")
	if !ok {
		return
	}
	code, err := ed.SaveCode(r.Context(), r.PathValue("name"), src, r.Header.Get("If-Match"))
	answer(w, http.StatusOK, code, code.ETag, err)
}

func (s *Server) tryCode(w http.ResponseWriter, r *http.Request, ed JobEditor) {
	src, ok := decodeCode(w, r, "the code to try")
	if !ok {
		return
	}
	res, err := ed.TryCode(r.Context(), r.PathValue("name"), src)
	answer(w, http.StatusOK, res, "", err)
}

var wholeSeconds = regexp.MustCompile(`^[0-9]{1,12}$`)

// tomlValues turns decoded JSON into the values a TOML table holds: whole
// numbers as integers, an interval of whole seconds given as text (as
// the dashboard's form sends it) as a number, and empty tables dropped.
func tomlValues(fields Fields) Fields {
	if iv, ok := fields["interval"].(string); ok && wholeSeconds.MatchString(iv) {
		n, _ := strconv.ParseInt(iv, 10, 64)
		fields["interval"] = n
	}
	for k, v := range fields {
		v = tomlValue(v)
		if m, ok := v.(map[string]any); ok && len(m) == 0 {
			delete(fields, k)
			continue
		}
		fields[k] = v
	}
	return fields
}

func tomlValue(v any) any {
	switch v := v.(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n
		}
		f, _ := v.Float64()
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int64(f)
		}
		return f
	case []any:
		for i := range v {
			v[i] = tomlValue(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = tomlValue(v[k])
		}
	}
	return v
}
