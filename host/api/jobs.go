package api

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Page sizes of the lists.
const (
	defaultPage = 100
	maxPage     = 1000
)

// JobPage is GET /v1/jobs: jobs in name order after the cursor.
type JobPage struct {
	Jobs []Job `json:"jobs"`
	// Next is the cursor of the following page (?after=); empty on the last.
	Next string `json:"next,omitempty"`
}

// JobQuery selects a page of the job list: Limit jobs in name order after
// the name After, in State (if set) and with Name in their name (if set).
type JobQuery struct {
	After, State, Name string
	Limit              int
}

// ListJobs returns a page of the job list. A page costs a binary search
// and the jobs it shows or skips, not the whole list. The dashboard's list
// is this page too.
func (s *Server) ListJobs(q JobQuery) JobPage {
	names := s.opts.Service.JobNames()
	i := 0
	if q.After != "" {
		i, _ = slices.BinarySearch(names, q.After)
		if i < len(names) && names[i] == q.After {
			i++
		}
	}
	page := JobPage{Jobs: []Job{}}
	for ; i < len(names) && len(page.Jobs) <= q.Limit; i++ {
		if q.Name != "" && !strings.Contains(names[i], q.Name) {
			continue
		}
		j, ok := s.opts.Service.Job(names[i])
		if !ok || (q.State != "" && j.State != q.State) {
			continue
		}
		if len(page.Jobs) == q.Limit {
			page.Next = page.Jobs[q.Limit-1].Name
			break
		}
		page.Jobs = append(page.Jobs, j)
	}
	return page
}

// listJobs serves ListJobs: ?after=NAME&limit=N&state=S&name=SUBSTRING.
func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := pageLimit(q.Get("limit"))
	if err != nil {
		WriteError(w, http.StatusBadRequest, err.Error(), "limit")
		return
	}
	WriteJSON(w, http.StatusOK, s.ListJobs(JobQuery{After: q.Get("after"), State: q.Get("state"), Name: q.Get("name"), Limit: limit}))
}

func pageLimit(v string) (int, error) {
	if v == "" {
		return defaultPage, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPage {
		return 0, fmt.Errorf("limit must be a whole number from 1 to %d, not %q", maxPage, v)
	}
	return n, nil
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) {
	j, ok := s.opts.Service.Job(r.PathValue("name"))
	if !ok {
		noJob(w, r)
		return
	}
	j.Config, _ = s.opts.Service.JobConfig(j.Name)
	WriteJSON(w, http.StatusOK, j)
}

func noJob(w http.ResponseWriter, r *http.Request) {
	WriteError(w, http.StatusNotFound, fmt.Sprintf("no job named %q is configured", r.PathValue("name")), "name")
}

// RunPage is GET /v1/jobs/{name}/runs: runs newest first.
type RunPage struct {
	Runs []Run `json:"runs"`
	// Next is the offset of the following page (?offset=); 0 on the last.
	Next int `json:"next,omitempty"`
}

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, ok := s.opts.Service.Job(name); !ok {
		noJob(w, r)
		return
	}
	q := r.URL.Query()
	limit, err := pageLimit(q.Get("limit"))
	if err != nil {
		WriteError(w, http.StatusBadRequest, err.Error(), "limit")
		return
	}
	offset := 0
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			WriteError(w, http.StatusBadRequest, fmt.Sprintf("offset must be a whole number, 0 or more, not %q", v), "offset")
			return
		}
	}
	runs, err := s.opts.Service.Runs(r.Context(), name)
	if err != nil {
		WriteError(w, http.StatusInternalServerError, err.Error(), "")
		return
	}
	page := RunPage{Runs: []Run{}}
	if offset < len(runs) {
		end := min(offset+limit, len(runs))
		page.Runs = runs[offset:end]
		if end < len(runs) {
			page.Next = end
		}
	}
	WriteJSON(w, http.StatusOK, page)
}

func (s *Server) setActive(active bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if _, ok := s.opts.Service.Job(name); !ok {
			noJob(w, r)
			return
		}
		if err := s.opts.Service.SetActive(r.Context(), name, active); err != nil {
			WriteError(w, http.StatusInternalServerError, err.Error(), "")
			return
		}
		p, _ := PrincipalOf(r.Context())
		s.opts.Log("job active set", "job", name, "active", active, "actor", p.Name, "address", p.Address)
		j, _ := s.opts.Service.Job(name)
		WriteJSON(w, http.StatusOK, j)
	}
}

func (s *Server) reload(w http.ResponseWriter, r *http.Request) {
	p, _ := PrincipalOf(r.Context())
	s.opts.Log("reload", "actor", p.Name, "address", p.Address)
	if err := s.opts.Service.Reload(r.Context()); err != nil {
		WriteError(w, http.StatusUnprocessableEntity, err.Error(), "")
		return
	}
	WriteJSON(w, http.StatusOK, s.opts.Service.Status())
}
