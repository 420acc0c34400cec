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

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, ok := s.opts.Service.Job(name); !ok {
		noJob(w, r)
		return
	}
	page, ok := pageOf(w, r)
	if !ok {
		return
	}
	runs, err := s.opts.Service.Runs(r.Context(), name, page)
	if runs.Runs == nil {
		runs.Runs = []Run{}
	}
	answer(w, http.StatusOK, runs, "", err)
}

// pageOf reads ?before=ID&limit=N, answering 400 if either is bad.
func pageOf(w http.ResponseWriter, r *http.Request) (Page, bool) {
	q := r.URL.Query()
	limit, err := pageLimit(q.Get("limit"))
	if err != nil {
		WriteError(w, http.StatusBadRequest, err.Error(), "limit")
		return Page{}, false
	}
	var before uint64
	if v := q.Get("before"); v != "" {
		if before, err = strconv.ParseUint(v, 10, 64); err != nil {
			WriteError(w, http.StatusBadRequest, fmt.Sprintf("before must be the next cursor of a page, a whole number, not %q", v), "before")
			return Page{}, false
		}
	}
	return Page{Before: before, Limit: limit}, true
}

func (s *Server) runNow(w http.ResponseWriter, r *http.Request) {
	m, err := s.opts.Service.RunNow(r.Context(), r.PathValue("name"))
	answer(w, http.StatusAccepted, m, "", err)
}

func (s *Server) audit(w http.ResponseWriter, r *http.Request) {
	page, ok := pageOf(w, r)
	if !ok {
		return
	}
	entries, err := s.opts.Service.Audit(r.Context(), page)
	if entries.Entries == nil {
		entries.Entries = []AuditEntry{}
	}
	answer(w, http.StatusOK, entries, "", err)
}

func (s *Server) setActive(active bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if _, ok := s.opts.Service.Job(name); !ok {
			noJob(w, r)
			return
		}
		if err := s.opts.Service.SetActive(r.Context(), name, active); err != nil {
			writeErr(w, err)
			return
		}
		j, _ := s.opts.Service.Job(name)
		WriteJSON(w, http.StatusOK, j)
	}
}

func (s *Server) reload(w http.ResponseWriter, r *http.Request) {
	if err := s.opts.Service.Reload(r.Context()); err != nil {
		WriteError(w, http.StatusUnprocessableEntity, err.Error(), "")
		return
	}
	WriteJSON(w, http.StatusOK, s.opts.Service.Status())
}
