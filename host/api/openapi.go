package api

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// openAPI is the API's OpenAPI 3.1 description; TestOpenAPI checks it
// against the route table.
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}

// Documented compares routes with the OpenAPI description: undocumented
// lists the routes it lacks or gives another role, unserved the operations
// it describes that no route serves. A test of the complete route set
// (host/service) wants both empty.
func Documented(routes []Route) (undocumented, unserved []string, err error) {
	var doc struct {
		Paths map[string]map[string]struct {
			Role string `json:"x-jobbox-role"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		return nil, nil, fmt.Errorf("openapi.json: %w", err)
	}
	served := map[string]bool{}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		served[key] = true
		op, ok := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
		switch {
		case !ok:
			undocumented = append(undocumented, key)
		case op.Role != rt.Role.String():
			undocumented = append(undocumented, fmt.Sprintf("%s (documented as %s, served as %s)", key, op.Role, rt.Role))
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if key := strings.ToUpper(method) + " " + path; !served[key] {
				unserved = append(unserved, key)
			}
		}
	}
	slices.Sort(unserved)
	return undocumented, unserved, nil
}
