package api

import "net/http"

// Route is one endpoint: its method, its ServeMux path, the least role
// that may call it, and its handler. Every endpoint is a row of one
// table, so a test can check each for its role and its documentation.
type Route struct {
	Method  string
	Path    string
	Role    Role
	Handler http.HandlerFunc
}

// Routes returns every route served, the built-in ones and Options.Extra.
func (s *Server) Routes() []Route { return s.routes }

func (s *Server) builtinRoutes() []Route {
	return []Route{
		{"GET", "/healthz", Public, s.healthz},
		{"GET", "/readyz", Public, s.readyz},
		{"GET", "/login", Public, s.loginPage},
		{"POST", "/v1/login", Public, s.login},
		{"POST", "/v1/logout", Viewer, s.logout},
		{"GET", "/v1/openapi.json", Viewer, serveOpenAPI},
		{"GET", "/v1/status", Viewer, s.status},
		{"GET", "/v1/jobs", Viewer, s.listJobs},
		{"GET", "/v1/jobs/{name}", Viewer, s.getJob},
		{"GET", "/v1/jobs/{name}/runs", Viewer, s.listRuns},
		{"POST", "/v1/jobs", Admin, s.editing(s.createJob)},
		{"GET", "/v1/jobs/{name}/config", Admin, s.editing(s.jobFields)},
		{"PUT", "/v1/jobs/{name}", Admin, s.editing(s.updateJob)},
		{"DELETE", "/v1/jobs/{name}", Admin, s.editing(s.deleteJob)},
		{"GET", "/v1/jobs/{name}/code", Admin, s.editing(s.getCode)},
		{"PUT", "/v1/jobs/{name}/code", Admin, s.editing(s.saveCode)},
		{"POST", "/v1/jobs/{name}/try", Admin, s.editing(s.tryCode)},
		{"POST", "/v1/jobs/{name}/run-now", Operator, s.runNow},
		{"POST", "/v1/jobs/{name}/activate", Operator, s.setActive(true)},
		{"POST", "/v1/jobs/{name}/deactivate", Operator, s.setActive(false)},
		{"POST", "/v1/reload", Operator, s.reload},
		{"GET", "/v1/audit", Viewer, s.audit},
		{"GET", "/v1/events", Viewer, s.events},
	}
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if err := s.opts.Service.Ready(); err != nil {
		WriteError(w, http.StatusServiceUnavailable, err.Error(), "")
		return
	}
	WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) status(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, s.opts.Service.Status())
}

// loginPage is the dashboard's login page when there is one (it also takes
// the first-run link's token), else a plain form.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if s.opts.Pages != nil {
		s.opts.Pages.ServeHTTP(w, r)
		return
	}
	s.loginForm(w, r)
}
