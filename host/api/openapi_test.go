package api

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestOpenAPI: every built-in route is documented with its role; what is
// documented and not built in is served by host/service's routes
// (TestOpenAPIComplete there checks the whole set).
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 1)
	undocumented, unserved, err := Documented(h.srv.Routes())
	if err != nil {
		t.Fatal(err)
	}
	if len(undocumented) > 0 {
		t.Errorf("routes not in openapi.json: %q", undocumented)
	}
	if want := []string{"GET /metrics", "GET /v1/store/backup", "GET /v1/store/check"}; !slices.Equal(unserved, want) {
		t.Errorf("documented, not built in: %q, want %q", unserved, want)
	}
	var doc map[string]any
	if resp := h.getJSON("/v1/openapi.json", &doc); resp.StatusCode != 200 || doc["openapi"] != "3.1.0" {
		t.Fatalf("served description: %s %v", resp.Status, doc["openapi"])
	}
	if !json.Valid(openAPI) {
		t.Fatal("openapi.json is not JSON")
	}
}
