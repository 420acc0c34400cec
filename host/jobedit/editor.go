// Package jobedit creates, updates and deletes the jobs of config.toml and
// the files it includes, and reads and saves their Lua code, for the admin
// API. An edit is validated exactly as config.toml is (host/config), or as
// `jobbox check` checks a job file, before a byte is written; it rewrites
// only the bytes of the job's own [[jobs]] table, so comments, order and
// the other jobs stay as they were; it replaces the file atomically; and
// it refuses to overwrite a change made since the file was read (ETags).
// docs/job-editing.md describes it for operators.
package jobedit

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/jobbox/jobbox/host/config"
	"github.com/pelletier/go-toml/v2"
)

// Editor edits the jobs of one config file. Its methods are safe to call
// at once: edits take turns.
type Editor struct {
	path  string
	check Checker
	mu    sync.Mutex
}

// New returns an editor of the config file at path, which checks job code
// with check (a *sandbox.Engine; nil refuses every code save).
func New(path string, check Checker) (*Editor, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("cannot find the config file %s: %w", path, err)
	}
	return &Editor{path: abs, check: check}, nil
}

// Job is one job as its config file writes it.
type Job struct {
	Name string
	// ConfigFile is the file that defines the job: the config file or
	// one it includes.
	ConfigFile string
	// Fields are the keys of its [[jobs]] table, as go-toml decodes them
	// (string, int64, float64, bool, []any, map[string]any).
	Fields Fields
	// ETag is ConfigFile's: give it back to Update or Delete.
	ETag string
}

// Result is what an edit wrote.
type Result struct {
	ConfigFile string // the file written
	ETag       string // its new ETag
	// CreatedFile is the job file the edit created from the job template,
	// or "".
	CreatedFile string
	// Config is the config as now written, validated: what a reload reads.
	Config *config.Config
	// Before and After are the job's table before and after the edit, as
	// decoded from the file (nil for a job created or deleted): for the
	// audit log.
	Before, After Fields
}

// snapshot is the config and the bytes of each of its files, as read.
type snapshot struct {
	cfg   *config.Config
	files map[string][]byte
}

// read parses the config as the files are now, with the changes in over.
func (e *Editor) read(over map[string][]byte) (*snapshot, error) {
	v := &view{over: over, files: map[string][]byte{}}
	data, err := v.ReadFile(e.path)
	if err != nil {
		return nil, fmt.Errorf("reading the config: %w", err)
	}
	cfg := config.DefaultConfig()
	if err := cfg.ParseWith(data, e.path, v); err != nil {
		return nil, &InvalidError{Problems: problemsOf(err)}
	}
	return &snapshot{cfg: cfg, files: v.files}, nil
}

// view is the files on disk with some changed, remembering what it read.
type view struct {
	over  map[string][]byte
	files map[string][]byte
}

func (v *view) ReadFile(path string) ([]byte, error) {
	data, ok := v.over[path]
	if !ok {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, err
		}
	}
	v.files[path] = data
	return data, nil
}

func (v *view) Glob(pattern string) ([]string, error) {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	for path := range v.over {
		if ok, _ := filepath.Match(pattern, path); ok && !slices.Contains(matches, path) {
			matches = append(matches, path)
		}
	}
	return matches, nil
}

// find returns the index of the job named name, in cfg.Jobs, and its
// index among the jobs of its file.
func (s *snapshot) find(name string) (i, k int, err error) {
	k = -1
	for i, j := range s.cfg.Jobs {
		if j.Name == name {
			for _, o := range s.cfg.Jobs[:i] {
				if o.Source == j.Source {
					k++
				}
			}
			return i, k + 1, nil
		}
	}
	return 0, 0, fmt.Errorf("job %q: %w", name, ErrNotFound)
}

// lookup reads the config and finds the job named name in it, as find
// does.
func (e *Editor) lookup(name string) (s *snapshot, i, k int, err error) {
	if s, err = e.read(nil); err != nil {
		return nil, 0, 0, err
	}
	i, k, err = s.find(name)
	return s, i, k, err
}

// count returns how many jobs file defines.
func (s *snapshot) count(file string) int {
	n := 0
	for _, j := range s.cfg.Jobs {
		if j.Source == file {
			n++
		}
	}
	return n
}

// Job returns the job named name as its file writes it.
func (e *Editor) Job(name string) (Job, error) {
	s, i, k, err := e.lookup(name)
	if err != nil {
		return Job{}, err
	}
	file := s.cfg.Jobs[i].Source
	var doc struct {
		Jobs []map[string]any `toml:"jobs"`
	}
	if err := toml.Unmarshal(s.files[file], &doc); err != nil || k >= len(doc.Jobs) {
		return Job{}, fmt.Errorf("cannot read job %q from %s: %v", name, file, err)
	}
	return Job{Name: name, ConfigFile: file, Fields: doc.Jobs[k], ETag: ETag(s.files[file])}, nil
}

// problemsOf turns config errors into problems.
func problemsOf(err error) []Problem {
	var errs config.Errors
	if e, ok := err.(config.Errors); ok {
		errs = e
	}
	if len(errs) == 0 {
		return []Problem{{Message: err.Error()}}
	}
	ps := make([]Problem, len(errs))
	for i, e := range errs {
		ps[i] = Problem{File: e.File, Line: e.Line, Col: e.Col, Message: e.Message}
	}
	return ps
}

// checkFileName refuses a job file an edit names that is absolute or
// climbs with "..": edits reach only into the job directories, by paths
// relative to the config file.
func checkFileName(fields Fields) error {
	f, ok := fields["file"].(string)
	if !ok {
		return nil // config validation says what is wrong
	}
	bad := ""
	switch {
	case filepath.IsAbs(f) || strings.HasPrefix(f, "/") || strings.HasPrefix(f, `\`):
		bad = "is an absolute path"
	case slices.Contains(strings.FieldsFunc(f, func(r rune) bool { return r == '/' || r == '\\' }), ".."):
		bad = `climbs out with ".."`
	}
	if bad == "" {
		return nil
	}
	return &InvalidError{Problems: []Problem{{Field: "file", Message: fmt.Sprintf(
		"job file %q %s: give a path relative to the config file, inside the job directories", f, bad)}}}
}

// lineOf returns the 1-based line of offset off in data.
func lineOf(data []byte, off int) int { return bytes.Count(data[:off], []byte{'\n'}) + 1 }
