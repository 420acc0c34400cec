package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jobbox/jobbox/host/clock"
)

// FuzzLogin sends arbitrary login bodies and Authorization headers: every
// answer is a JSON status the API documents, never a panic.
func FuzzLogin(f *testing.F) {
	f.Add(`{"user":"ann","password":"x"}`, "application/json", "")
	f.Add(`user=ann&password=x`, "application/x-www-form-urlencoded", "Bearer jbx_x")
	f.Add(`setup_token=%zz`, "application/x-www-form-urlencoded", "Basic x")
	f.Add(`{"user":1}`, "", "Bearer")
	f.Add(`[`, "text/plain", "bearer  ")
	srv := New(Options{Service: newFakeService(1), Clock: clock.NewFake(time.Unix(0, 0)), FailDelay: -1})
	_, hash := NewToken()
	srv.SetCredentials([]User{{Name: "ann", Role: Admin, PasswordHash: testHash}}, []Token{{Name: "t", Role: Viewer, Hash: hash}})
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, body, contentType, auth string) {
		for _, path := range []string{"/v1/login", "/v1/logout"} {
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.Header.Set("Content-Type", contentType)
			req.Header.Set("Authorization", auth)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			switch w.Code {
			case http.StatusOK, http.StatusSeeOther, http.StatusBadRequest, http.StatusUnauthorized, http.StatusTooManyRequests:
			default:
				t.Fatalf("%s %q: %d %s", path, body, w.Code, w.Body)
			}
		}
	})
}
