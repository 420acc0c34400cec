package jobedit

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/internal/jobfile"
	"github.com/pelletier/go-toml/v2"
)

// Update replaces the [[jobs]] table of the job named name with fields
// (without "name", the job keeps its name), if the file that defines it
// still has the ETag ifMatch ("*": any).
func (e *Editor) Update(name string, fields Fields, ifMatch string) (Result, error) {
	if ifMatch == "" {
		return Result{}, ErrETagRequired
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	s, i, k, err := e.lookup(name)
	if err != nil {
		return Result{}, err
	}
	fields = maps.Clone(fields)
	if fields["name"] == nil {
		fields["name"] = name
	}
	if f, ok := fields["file"].(string); ok && f != s.cfg.Jobs[i].File {
		if err := checkFileName(fields); err != nil {
			return Result{}, err
		}
	}
	file, data, sp, err := s.span(i, k, ifMatch)
	if err != nil {
		return Result{}, err
	}
	table := data[sp.start:sp.end]
	before := tableFields(table)
	r, err := rewrite(table, before, fields, newline(data))
	if err != nil {
		return Result{}, err
	}
	res, err := e.write(file, data, splice(data, sp, r.text), &r, sp.start)
	return withBefore(res, err, before)
}

// withBefore records in res, if the edit succeeded, the job's table as it
// was before, decoded.
func withBefore(res Result, err error, before Fields) (Result, error) {
	if err != nil {
		return Result{}, err
	}
	res.Before = before
	return res, nil
}

// tableFields decodes the text of one job's table; nil if it does not.
func tableFields(table []byte) Fields {
	var doc struct {
		Jobs []Fields `toml:"jobs"`
	}
	if toml.Unmarshal(table, &doc) != nil || len(doc.Jobs) != 1 {
		return nil
	}
	return doc.Jobs[0]
}

// rewrite returns the text of a job's table, table as written now and old
// as it decodes (tableFields), that holds fields: edited in place where it
// can be (keep), written anew otherwise.
func rewrite(table []byte, old, fields Fields, nl string) (rendered, error) {
	r, err := render(fields, nl)
	if err != nil {
		return r, err
	}
	if old != nil {
		if kept, ok := keep(table, old, fields, nl); ok {
			r.text = kept
		}
	}
	return r, nil
}

// Create adds a job with fields at the end of target, the config file
// ("") or a file its include patterns name, relative to the config file's
// directory (a file of a drop-in directory is created if need be). A
// non-empty ifMatch must be target's ETag. A new .lua job file is created
// from the job template.
func (e *Editor) Create(target string, fields Fields, ifMatch string) (Result, error) {
	if err := checkFileName(fields); err != nil {
		return Result{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.read(nil)
	if err != nil {
		return Result{}, err
	}
	file, err := e.target(s.cfg, target)
	if err != nil {
		return Result{}, err
	}
	data, existed := s.files[file]
	if !existed {
		if _, err := os.Lstat(file); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return Result{}, fmt.Errorf("%s exists but the config does not read it: %w", file, ErrNotEditable)
		}
	}
	if ifMatch != "" && (!existed || !etagMatches(data, ifMatch)) {
		return Result{}, &ConflictError{File: file, ETag: etagOf(data, boolErr(existed))}
	}
	r, err := render(fields, newline(data))
	if err != nil {
		return Result{}, err
	}
	cand := appendJob(data, r.text, newline(data))
	start := len(cand) - len(r.text)
	if !existed {
		data = nil
	}
	return e.write(file, data, cand, &r, start)
}

// Delete removes the job named name from the file that defines it, if
// that file still has the ETag ifMatch ("*": any). The job's code file is
// kept.
func (e *Editor) Delete(name, ifMatch string) (Result, error) {
	if ifMatch == "" {
		return Result{}, ErrETagRequired
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	s, i, k, err := e.lookup(name)
	if err != nil {
		return Result{}, err
	}
	file, data, sp, err := s.span(i, k, ifMatch)
	if err != nil {
		return Result{}, err
	}
	res, err := e.write(file, data, splice(data, deletion(data, sp), nil), nil, 0)
	return withBefore(res, err, tableFields(data[sp.start:sp.end]))
}

// span checks the ETag of the file that defines job i, the k-th of that
// file, and returns the file, its bytes and the span of the job's table.
func (s *snapshot) span(i, k int, ifMatch string) (string, []byte, span, error) {
	file := s.cfg.Jobs[i].Source
	data := s.files[file]
	if !etagMatches(data, ifMatch) {
		return "", nil, span{}, &ConflictError{File: file, ETag: ETag(data)}
	}
	spans, err := jobSpans(data)
	if err != nil {
		return "", nil, span{}, fmt.Errorf("%s: %w", file, err)
	}
	if len(spans) != s.count(file) {
		return "", nil, span{}, fmt.Errorf("%s writes its jobs other than as [[jobs]] tables; edit it by hand: %w", file, ErrNotEditable)
	}
	return file, data, spans[k], nil
}

// target resolves the file a new job goes to.
func (e *Editor) target(cfg *config.Config, target string) (string, error) {
	if target == "" {
		return e.path, nil
	}
	if filepath.IsAbs(target) || strings.Contains(filepath.ToSlash(target), "..") {
		return "", fmt.Errorf("config file %q: give a path relative to the config file's directory, without \"..\": %w", target, ErrNotEditable)
	}
	file := filepath.Join(cfg.Dir, target)
	if file != e.path && !cfg.IncludeMatches(file) {
		return "", fmt.Errorf("config file %s is neither the config file nor one its include patterns (%q) read: %w", target, cfg.Include, ErrNotEditable)
	}
	return file, nil
}

// write validates the config with file holding cand, creates the job file
// of r's job from the template if it is a .lua file not there yet, and
// replaces file, if it still holds base (nil: does not exist yet). start
// is the offset of r's text in cand, for naming the fields of problems.
func (e *Editor) write(file string, base, cand []byte, r *rendered, start int) (Result, error) {
	s, err := e.read(map[string][]byte{file: cand})
	if err != nil {
		return Result{}, fields(err, file, cand, r, start)
	}
	res := Result{ConfigFile: file, ETag: ETag(cand), Config: s.cfg}
	if r != nil {
		res.After = tableFields(r.text)
		name, _ := r.name.(string)
		if res.CreatedFile, err = e.seed(s.cfg, file, name); err != nil {
			return Result{}, err
		}
	}
	if err := s.cfg.Validate(); err != nil {
		e.unseed(res.CreatedFile)
		return Result{}, fields(&InvalidError{Problems: problemsOf(err)}, file, cand, r, start)
	}
	// A symlinked config file stays a link: the file it leads to is
	// replaced.
	real := file
	if p, err := filepath.EvalSymlinks(file); err == nil {
		real = p
	}
	dir, err := os.OpenRoot(filepath.Dir(real))
	if err == nil {
		defer dir.Close()
		var st *staged
		if st, err = stage(dir, filepath.Base(real), cand, 0o644); err == nil {
			err = st.commit(base, file)
		}
	}
	if err != nil {
		e.unseed(res.CreatedFile)
		return Result{}, err
	}
	return res, nil
}

// fields names the job field of each problem that lies in r's lines.
func fields(err error, file string, cand []byte, r *rendered, start int) error {
	var inv *InvalidError
	if r == nil || !errors.As(err, &inv) {
		return err
	}
	first := lineOf(cand, start)
	paths := pathsByLine(r.text)
	for i, p := range inv.Problems {
		if n := p.Line - first; p.File == file && n >= 0 && n < len(paths) {
			inv.Problems[i].Field = paths[n]
		}
	}
	return err
}

// seed creates the job file of the job name of file from the job
// template, if it is a .lua file not there yet inside a job directory, and
// returns its path ("" if it made none).
func (e *Editor) seed(cfg *config.Config, file, name string) (string, error) {
	var job *config.Job
	for i := range cfg.Jobs {
		if j := &cfg.Jobs[i]; j.Source == file && j.Name == name {
			job = j
		}
	}
	if job == nil || job.Root == "" || !strings.EqualFold(filepath.Ext(job.File), ".lua") {
		return "", nil
	}
	rel, ok := jobfile.Inside(job.Root, mustAbs(job.Path))
	if !ok {
		return "", nil
	}
	root, err := os.OpenRoot(job.Root)
	if err != nil {
		return "", nil // validation says why
	}
	defer root.Close()
	if _, err := root.Lstat(rel); !errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if _, err := root.Stat(filepath.Dir(rel)); err != nil {
		return "", &InvalidError{Problems: []Problem{{Field: "file", Message: fmt.Sprintf(
			"job file %s cannot be created: its directory %s cannot be used (%v)", job.File, filepath.Dir(job.File), unwrap(err))}}}
	}
	st, err := stage(root, rel, template, 0o644)
	if err != nil {
		return "", fmt.Errorf("cannot create job file %s from the template: %w", job.File, err)
	}
	if err := st.commit(nil, job.File); err != nil {
		return "", fmt.Errorf("cannot create job file %s from the template: %w", job.File, err)
	}
	return job.Path, nil
}

// unseed removes a job file seed created, when the edit it was for fails.
func (e *Editor) unseed(path string) {
	if path != "" {
		_ = os.Remove(path)
	}
}

func mustAbs(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

func boolErr(ok bool) error {
	if ok {
		return nil
	}
	return fs.ErrNotExist
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
