package api

import (
	"encoding/json"
	"errors"
	"net/http"
)

// ErrorBody is every error answer: what went wrong, as a sentence, and the
// request field it is about, if any.
type ErrorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
	// Problems lists what is wrong with submitted code or config, each
	// where it is.
	Problems []Problem `json:"problems,omitempty"`
}

// Problem is one thing wrong with submitted code or config.
type Problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Error is a Service's error with the HTTP status it answers.
type Error struct {
	Status   int
	Field    string
	Problems []Problem
	Err      error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// writeErr answers err: with its status and field if it is an *Error,
// else 500.
func writeErr(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		WriteError(w, http.StatusInternalServerError, err.Error(), "")
		return
	}
	WriteJSON(w, e.Status, ErrorBody{Error: e.Error(), Field: e.Field, Problems: e.Problems})
}

// WriteJSON answers v as JSON with the status code.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError answers an error; field names the request field at fault.
func WriteError(w http.ResponseWriter, code int, msg, field string) {
	WriteJSON(w, code, ErrorBody{Error: msg, Field: field})
}

// answer writes v with status and, unless empty, its ETag, or err.
func answer(w http.ResponseWriter, status int, v any, etag string, err error) {
	if err != nil {
		writeErr(w, err)
		return
	}
	if etag != "" {
		w.Header().Set("ETag", etag)
	}
	WriteJSON(w, status, v)
}
