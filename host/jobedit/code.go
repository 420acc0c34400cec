package jobedit

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/internal/jobfile"
	"github.com/jobbox/jobbox/host/sandbox"
)

// template is the seed's job template (jobs/template.lua; a test keeps the
// two the same): a new job's file starts from it.
//
//go:embed template.lua
var template []byte

// Template returns the job template a new Lua job file starts from.
func Template() []byte { return append([]byte(nil), template...) }

// Checker checks a job file as `jobbox check` does: *sandbox.Engine.
type Checker interface {
	Check(ctx context.Context, job sandbox.Job) ([]sandbox.Problem, error)
}

// Code is a job's Lua code.
type Code struct {
	Job  string
	File string // as configured, relative to the config file
	// Source is the file's contents.
	Source []byte
	// ETag is the file's: give it back to SaveCode.
	ETag string
}

// Code reads the code of the job named name, confined as the engine reads
// it: inside its job directory, a regular file within max_lua_file.
func (e *Editor) Code(name string) (Code, error) {
	s, j, err := e.luaJob(name)
	if err != nil {
		return Code{}, err
	}
	if j.Root == "" {
		return Code{}, fmt.Errorf("job file %s lies outside the job directories (job_dirs): %w", j.File, ErrNotEditable)
	}
	src, _, err := jobfile.Read(s.cfg.JobFileSpec(j))
	if err != nil {
		return Code{}, fmt.Errorf("job %q: %w", name, err)
	}
	return Code{Job: name, File: j.File, Source: src, ETag: ETag(src)}, nil
}

// SaveCode replaces the code of the job named name with src, if the file
// still has the ETag ifMatch ("*": any; "" only when the file does not
// exist) and src passes the checks of `jobbox check`: otherwise an
// *InvalidError lists the problems with their line and column, and nothing
// is written. The next run reads the new code; no reload is needed.
func (e *Editor) SaveCode(ctx context.Context, name string, src []byte, ifMatch string) (Code, error) {
	if e.check == nil {
		return Code{}, errors.New("this editor has no checker, so it saves no code")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	s, j, err := e.luaJob(name)
	if err != nil {
		return Code{}, err
	}
	if max := s.cfg.MaxLuaFile.Bytes(); uint64(len(src)) > max {
		return Code{}, &InvalidError{Problems: []Problem{{File: j.File, Line: 1, Col: 1,
			Message: fmt.Sprintf("the code is %d bytes, more than max_lua_file (%d)", len(src), max)}}}
	}
	root, rel, err := openJobRoot(j)
	if err != nil {
		return Code{}, err
	}
	defer root.Close()
	base, err := current(s.cfg, j, root, rel, ifMatch)
	if err != nil {
		return Code{}, err
	}
	st, err := stage(root, rel, src, 0o644)
	if err != nil {
		return Code{}, fmt.Errorf("job %q: %w", name, err)
	}
	// The job's own limits bound the check, as they do under jobbox check.
	lim := s.cfg.JobLimits(j)
	job := sandbox.Job{Name: j.Name, File: j.File, Path: st.path(), Root: j.Root,
		Limits: sandbox.Limits{Timeout: lim.Timeout, MemoryBytes: lim.Memory, StackDepth: lim.Stack}}
	problems, err := e.check.Check(ctx, job)
	if err != nil || len(problems) > 0 {
		st.discard()
		if err != nil {
			return Code{}, fmt.Errorf("job %q: %w", name, err)
		}
		return Code{}, invalidCode(j.File, problems)
	}
	if err := st.commit(base, j.File); err != nil {
		return Code{}, err
	}
	return Code{Job: name, File: j.File, Source: src, ETag: ETag(src)}, nil
}

// current returns the job file's bytes (nil if it does not exist) after
// checking it is one the engine would read and ifMatch names it.
func current(cfg *config.Config, j config.Job, root *os.Root, rel, ifMatch string) ([]byte, error) {
	if st, err := root.Lstat(rel); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		return nil, fmt.Errorf("job file %s is a symbolic link: saving would replace the link, so edit the file it leads to by hand: %w", j.File, ErrNotEditable)
	} else if errors.Is(err, fs.ErrNotExist) {
		if ifMatch != "" && ifMatch != "*" {
			return nil, &ConflictError{File: j.File}
		}
		return nil, nil
	}
	base, _, err := jobfile.Read(cfg.JobFileSpec(j))
	if err != nil {
		return nil, fmt.Errorf("job %q: %w", j.Name, err)
	}
	if ifMatch == "" {
		return nil, ErrETagRequired
	}
	if !etagMatches(base, ifMatch) {
		return nil, &ConflictError{File: j.File, ETag: ETag(base)}
	}
	return base, nil
}

// openJobRoot opens the job directory j's file lies in, and returns the
// file's path inside it.
func openJobRoot(j config.Job) (*os.Root, string, error) {
	if j.Root == "" {
		return nil, "", fmt.Errorf("job file %s lies outside the job directories (job_dirs): %w", j.File, ErrNotEditable)
	}
	rel, ok := jobfile.Inside(j.Root, mustAbs(j.Path))
	if !ok {
		return nil, "", fmt.Errorf("job file %s lies outside its job directory %s: %w", j.File, j.Root, ErrNotEditable)
	}
	root, err := os.OpenRoot(j.Root)
	if err != nil {
		return nil, "", fmt.Errorf("cannot open the job directory %s of job file %s: %w", j.Root, j.File, err)
	}
	if _, err := root.Stat(filepath.Dir(rel)); err != nil {
		root.Close()
		if strings.Contains(err.Error(), "escapes") {
			return nil, "", fmt.Errorf("job file %s leads out of %s (a symlink or .. out of the directory job files must be in), which is not allowed: %w", j.File, j.Root, ErrNotEditable)
		}
		return nil, "", fmt.Errorf("job file %s: its directory cannot be used: %w", j.File, err)
	}
	return root, rel, nil
}

// luaJob reads the config and finds the job named name in it, refusing a
// compiled guest's.
func (e *Editor) luaJob(name string) (*snapshot, config.Job, error) {
	s, i, _, err := e.lookup(name)
	if err != nil {
		return nil, config.Job{}, err
	}
	j := s.cfg.Jobs[i]
	return s, j, luaOnly(j)
}

func luaOnly(j config.Job) error {
	if !strings.EqualFold(filepath.Ext(j.File), ".lua") {
		return fmt.Errorf("job %q runs %s, a compiled guest, whose code is not edited here: %w", j.Name, j.File, ErrNotEditable)
	}
	return nil
}

func invalidCode(file string, problems []sandbox.Problem) error {
	ps := make([]Problem, len(problems))
	for i, p := range problems {
		ps[i] = Problem{File: file, Line: p.Line, Col: p.Col, Message: p.Message}
	}
	return &InvalidError{Problems: ps}
}
