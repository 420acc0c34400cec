package api

import (
	"encoding/json"
	"net/http"
)

// ErrorBody is every error answer: what went wrong, as a sentence, and the
// request field it is about, if any.
type ErrorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
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
