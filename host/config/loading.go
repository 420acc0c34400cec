package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jobbox/jobbox/host/internal/jobfile"
)

// Bounds of the loading settings: enough for any real job, and small
// enough that a typo cannot lift the protection they give.
const (
	maxLuaFileCap     = 64 << 20
	maxWasmFileCap    = 1 << 30
	minCompileTimeout = time.Second
	maxCompileTimeout = 10 * time.Minute
	minCompileMemory  = 128 << 20
	maxCompileMemory  = 64 << 30
)

// jobDirs returns job_dirs as given, or the config file's directory.
func (c *Config) jobDirs() []string {
	if c.JobDirs == nil {
		return []string{"."}
	}
	return c.JobDirs
}

// absDir returns the absolute path of the job directory d.
func (c *Config) absDir(d string) (string, error) {
	if !filepath.IsAbs(d) {
		d = filepath.Join(c.Dir, d)
	}
	return filepath.Abs(d)
}

// roots are job directories, absolute, and the config file's directory,
// absolute, the base of relative job files: made absolute once, not once
// per job (filepath.Abs asks the working directory each time).
type roots struct {
	dirs []string
	base string
}

// jobRoots returns the job directories, leaving out those that cannot be
// made absolute (Validate reports them).
func (c *Config) jobRoots() roots {
	r := roots{base: mustAbs(c.Dir)}
	for _, d := range c.jobDirs() {
		if abs, err := c.absDir(d); d != "" && err == nil {
			r.dirs = append(r.dirs, abs)
		}
	}
	return r
}

// of returns the first job directory that file, as the config names it,
// lies in, or "".
func (r roots) of(file string) string {
	path := file
	if !filepath.IsAbs(path) {
		path = filepath.Join(r.base, path)
	}
	for _, d := range r.dirs {
		if _, ok := jobfile.Inside(d, path); ok {
			return d
		}
	}
	return ""
}

// validateLoading checks job_dirs, the file caps and the compile bounds,
// and returns the job directories that can be used, absolute.
func (c *Config) validateLoading(fail failFunc) roots {
	r := roots{base: mustAbs(c.Dir)}
	for i, d := range c.jobDirs() {
		if d == "" {
			fail("job_dirs", "job_dirs entry %d is empty", i+1)
			continue
		}
		abs, err := c.absDir(d)
		if err == nil {
			var st os.FileInfo
			if st, err = os.Stat(abs); err == nil && !st.IsDir() {
				err = fmt.Errorf("not a directory")
			}
		}
		if err != nil {
			fail(fmt.Sprintf("job_dirs.%d", i), "job_dirs entry %q cannot be used: %v", d, unwrapPathError(err))
			continue
		}
		r.dirs = append(r.dirs, abs)
	}
	checkBytes(c.MaxLuaFile, maxLuaFileCap, "64MiB", "", "", "max_lua_file", fail)
	checkBytes(c.MaxWasmFile, maxWasmFileCap, "1GiB", "", "", "max_wasm_file", fail)
	if t := c.CompileTimeout; t.Err() != nil || t.Duration() < minCompileTimeout || t.Duration() > maxCompileTimeout {
		fail("compile_timeout", "compile_timeout %v", errOr(t.Err(), fmt.Sprintf("must be from %s to %s", minCompileTimeout, maxCompileTimeout)))
	}
	if m := c.CompileMemory; m.Err() != nil || m.Bytes() < minCompileMemory || m.Bytes() > maxCompileMemory {
		fail("compile_memory", "compile_memory %v", errOr(m.Err(), "must be from 128MiB to 64GiB"))
	}
	return r
}

// checkJobFile refuses a job file outside the job directories roots, or
// one the engine would refuse to load: not a regular file, or over its size
// cap.
func (c *Config) checkJobFile(j Job, r roots, label string) error {
	if j.Root = r.of(j.File); j.Root == "" {
		return fmt.Errorf("%s: file %s lies outside the directories job files must be in (%s)", label, j.File, c.jobDirsText())
	}
	if err := jobfile.Check(c.JobFileSpec(j)); err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	return nil
}

// JobFileSpec says how to open j's file: inside its job directory, capped
// by the setting for its kind.
func (c *Config) JobFileSpec(j Job) jobfile.Spec {
	s := jobfile.Spec{Name: j.File, Path: j.Path, Root: j.Root, Max: int64(c.MaxLuaFile.Bytes()), MaxKey: "max_lua_file"}
	if strings.ToLower(filepath.Ext(j.File)) == ".wasm" {
		s.Max, s.MaxKey = int64(c.MaxWasmFile.Bytes()), "max_wasm_file"
	}
	return s
}

func mustAbs(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// jobDirsText names the job directories as the config gives them.
func (c *Config) jobDirsText() string {
	if c.JobDirs == nil {
		return "the config file's directory; set job_dirs to allow others"
	}
	return fmt.Sprintf("job_dirs = %q", c.JobDirs)
}
