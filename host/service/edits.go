package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/jobbox/jobbox/host/api"
	"github.com/jobbox/jobbox/host/jobedit"
)

// The admin API's job and code edits (api.JobEditor), through
// host/jobedit. Each change is audited with the job's table before and
// after, and a changed config is reloaded so the edit takes effect.

var _ api.JobEditor = (*apiService)(nil)

// editorState makes the editor once, on the first edit.
type editorState struct {
	once sync.Once
	ed   *jobedit.Editor
	err  error
}

func (a *apiService) editor() (*jobedit.Editor, error) {
	a.edit.once.Do(func() { a.edit.ed, a.edit.err = jobedit.New(a.jobs.Load().cfg.Path, a.s.engine) })
	return a.edit.ed, a.edit.err
}

// editError gives a jobedit error its HTTP status, field and problems.
func editError(err error) error {
	if err == nil {
		return nil
	}
	e := &api.Error{Status: jobedit.StatusOf(err), Err: err}
	var inv *jobedit.InvalidError
	switch {
	case errors.Is(err, jobedit.ErrNotFound):
		e.Field = "name"
	case errors.As(err, &inv):
		for _, p := range inv.Problems {
			e.Problems = append(e.Problems, api.Problem{File: p.File, Line: p.Line, Column: p.Col, Field: p.Field, Message: p.Message})
			if e.Field == "" {
				e.Field = p.Field
			}
		}
	}
	return e
}

func (a *apiService) JobFields(_ context.Context, name string) (api.Fields, string, error) {
	ed, err := a.editor()
	if err != nil {
		return nil, "", err
	}
	j, err := ed.Job(name)
	if err != nil {
		return nil, "", editError(err)
	}
	return j.Fields, j.ETag, nil
}

func (a *apiService) CreateJob(ctx context.Context, target string, fields api.Fields) (api.Edit, error) {
	name, _ := fields["name"].(string)
	return a.change(ctx, "job-create", name, func(ed *jobedit.Editor) (jobedit.Result, error) {
		return ed.Create(target, fields, "")
	})
}

func (a *apiService) UpdateJob(ctx context.Context, name string, fields api.Fields, ifMatch string) (api.Edit, error) {
	return a.change(ctx, "job-update", name, func(ed *jobedit.Editor) (jobedit.Result, error) {
		return ed.Update(name, fields, ifMatch)
	})
}

func (a *apiService) DeleteJob(ctx context.Context, name, ifMatch string) (api.Edit, error) {
	return a.change(ctx, "job-delete", name, func(ed *jobedit.Editor) (jobedit.Result, error) {
		return ed.Delete(name, ifMatch)
	})
}

// change makes one edit of the config, audits it, and reloads.
func (a *apiService) change(ctx context.Context, action, name string, edit func(*jobedit.Editor) (jobedit.Result, error)) (api.Edit, error) {
	ed, err := a.editor()
	if err != nil {
		return api.Edit{}, err
	}
	actor := actorOf(ctx)
	res, err := edit(ed)
	a.s.audit(ctx, actor, action, name, fieldsText(res.Before), fieldsText(res.After), err)
	if err != nil {
		return api.Edit{}, editError(err)
	}
	out := api.Edit{Job: name, ConfigFile: res.ConfigFile, ETag: res.ETag, CreatedFile: res.CreatedFile}
	if err := a.s.ReloadAs(ctx, actor); err != nil {
		return out, fmt.Errorf("%s was written, but the reload that puts it in force failed: %w", res.ConfigFile, err)
	}
	return out, nil
}

// fieldsText is a job's table for the audit log: its JSON.
func fieldsText(f jobedit.Fields) string {
	if f == nil {
		return ""
	}
	data, err := json.Marshal(f)
	if err != nil {
		return fmt.Sprint(f)
	}
	return string(data)
}

func (a *apiService) Code(_ context.Context, name string) (api.Code, error) {
	ed, err := a.editor()
	if err != nil {
		return api.Code{}, err
	}
	c, err := ed.Code(name)
	if err != nil {
		return api.Code{}, editError(err)
	}
	return api.Code{Code: string(c.Source), File: c.File, ETag: c.ETag}, nil
}

// SaveCode saves a job's code; the next run reads it, with no reload.
func (a *apiService) SaveCode(ctx context.Context, name, code, ifMatch string) (api.Code, error) {
	ed, err := a.editor()
	if err != nil {
		return api.Code{}, err
	}
	c, err := ed.SaveCode(ctx, name, []byte(code), ifMatch)
	after := ""
	if err == nil {
		after = fmt.Sprintf("%s %s (%d bytes)", c.File, c.ETag, len(c.Source))
	}
	a.s.audit(ctx, actorOf(ctx), "code-save", name, ifMatch, after, err)
	if err != nil {
		return api.Code{}, editError(err)
	}
	return api.Code{Code: string(c.Source), File: c.File, ETag: c.ETag}, nil
}

// TryCode runs code once as the job would run it, from a file of its own
// that is removed after: the job's file is not touched.
func (a *apiService) TryCode(ctx context.Context, name, code string) (api.TryResult, error) {
	ix := a.jobs.Load()
	i, ok := ix.byKey[name]
	if !ok {
		return api.TryResult{}, &api.Error{Status: http.StatusNotFound, Field: "name", Err: fmt.Errorf("no job named %q is configured", name)}
	}
	j := ix.cfg.Jobs[i]
	if filepath.Ext(j.File) != ".lua" {
		return api.TryResult{}, &api.Error{Status: http.StatusBadRequest, Err: fmt.Errorf("job %q runs the compiled guest %s; only Lua code can be tried", name, j.File)}
	}
	dir, err := os.MkdirTemp("", "jobbox-try-")
	if err != nil {
		return api.TryResult{}, fmt.Errorf("trying job %q: %w", name, err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, filepath.Base(j.File))
	if err := os.WriteFile(path, []byte(code), 0o600); err != nil {
		return api.TryResult{}, fmt.Errorf("trying job %q: %w", name, err)
	}
	job := JobOf(ix.cfg, j, a.s.mods)
	job.Path, job.Root = path, dir
	out := a.s.engine.Run(ctx, job)
	logs := out.Logs
	if logs == nil {
		logs = []string{}
	}
	a.s.audit(ctx, actorOf(ctx), "code-try", name, "", out.Status.String(), nil)
	return api.TryResult{Status: out.Status.String(), Error: out.Error,
		DurationMS: float64(out.Duration().Microseconds()) / 1000, Logs: logs}, nil
}
