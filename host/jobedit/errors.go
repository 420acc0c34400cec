package jobedit

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// The errors an edit returns; test them with errors.Is and errors.As. The
// HTTP status each maps to is in brackets.
var (
	// ErrNotFound: no job of that name is configured [404].
	ErrNotFound = errors.New("no such job")
	// ErrConflict: the file changed since it was read (ETag mismatch) [409
	// or 412]. The error is a *ConflictError.
	ErrConflict = errors.New("the file changed since it was read")
	// ErrETagRequired: an update, delete or code save came without the
	// ETag of the file it read [428].
	ErrETagRequired = errors.New("an edit must give the ETag of the file it read (If-Match)")
	// ErrNotEditable: the job is written in a form edits do not rewrite
	// (an inline array of jobs), or the file is not one edits may write [400].
	ErrNotEditable = errors.New("not editable through the API")
)

// ConflictError says which file changed under an edit.
type ConflictError struct {
	File string
	// ETag is the file's ETag now: "" if it no longer exists.
	ETag string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s changed since it was read (a hand edit or another change): read it again and redo the edit", e.File)
}

func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Problem is one reason an edit was refused, where it lies: in a config
// file (File, Line, Col; Field is the job's key it is about, "limits.memory",
// when it lies in the edited job) or in a job file.
type Problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Message)
	}
	return p.Message
}

// InvalidError is an edit refused because the config, or the job file,
// it would write does not pass the checks of `jobbox check` [422]. Nothing
// was written.
type InvalidError struct {
	Problems []Problem
}

func (e *InvalidError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "refused, nothing written: " + strings.Join(lines, "; ")
}

// StatusOf returns the HTTP status an edit's error answers with: 404, 409,
// 428, 422 (with the problems), 400, or 500 for a failure of the host
// (a file that cannot be written).
func StatusOf(err error) int {
	var inv *InvalidError
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrConflict):
		return http.StatusConflict
	case errors.Is(err, ErrETagRequired):
		return http.StatusPreconditionRequired
	case errors.As(err, &inv):
		return http.StatusUnprocessableEntity
	case errors.Is(err, ErrNotEditable):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}
