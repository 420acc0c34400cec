package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jobbox/jobbox/host/internal/jobfile"
)

// Loading bounds how job files are read and compiled, resolved.
type Loading struct {
	// JobDirs are the directories job files must lie in, absolute.
	JobDirs        []string
	MaxLuaFile     int64
	MaxWasmFile    int64
	CompileTimeout time.Duration
	CompileMemory  uint64
}

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

// validateLoading resolves job_dirs, the file caps and the compile bounds.
func (c *Config) validateLoading(fail func(key, format string, args ...any)) {
	l := Loading{}
	dirs := c.JobDirs
	if dirs == nil {
		dirs = []string{"."}
	}
	for i, d := range dirs {
		key := fmt.Sprintf("job_dirs.%d", i)
		if d == "" {
			fail("job_dirs", "job_dirs entry %d is empty", i+1)
			continue
		}
		if !filepath.IsAbs(d) {
			d = filepath.Join(c.Dir, d)
		}
		abs, err := filepath.Abs(d)
		if err == nil {
			var st os.FileInfo
			if st, err = os.Stat(abs); err == nil && !st.IsDir() {
				err = fmt.Errorf("not a directory")
			}
		}
		if err != nil {
			fail(key, "job_dirs entry %q cannot be used: %v", dirs[i], unwrapPathError(err))
			continue
		}
		l.JobDirs = append(l.JobDirs, abs)
	}
	l.MaxLuaFile = byteLimit(c.MaxLuaFile, maxLuaFileCap, "64MiB", "max_lua_file", "max_lua_file", fail)
	l.MaxWasmFile = byteLimit(c.MaxWasmFile, maxWasmFileCap, "1GiB", "max_wasm_file", "max_wasm_file", fail)
	var err error
	if l.CompileTimeout, err = duration(c.CompileTimeout); err != nil || l.CompileTimeout < minCompileTimeout || l.CompileTimeout > maxCompileTimeout {
		fail("compile_timeout", "compile_timeout %v", errOr(err, fmt.Sprintf("must be from %s to %s", minCompileTimeout, maxCompileTimeout)))
	}
	if l.CompileMemory, err = size(c.CompileMemory); err != nil || l.CompileMemory < minCompileMemory || l.CompileMemory > maxCompileMemory {
		fail("compile_memory", "compile_memory %v", errOr(err, "must be from 128MiB to 64GiB"))
	}
	c.Loading = l
}

// checkJobFile refuses a job file outside the job directories, or one the
// engine would refuse to load: not a regular file, or over its size cap.
func (c *Config) checkJobFile(j *Job, label string) error {
	j.Root = ""
	for _, d := range c.Loading.JobDirs {
		if _, ok := jobfile.Inside(d, mustAbs(j.Path)); ok {
			j.Root = d
			break
		}
	}
	if j.Root == "" {
		return fmt.Errorf("%s: file %s lies outside the directories job files must be in (%s)", label, j.File, c.jobDirsText())
	}
	if err := jobfile.Check(c.jobFileSpec(*j)); err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	return nil
}

// jobFileSpec says how to open j's file: inside its job directory, capped
// by the setting for its kind.
func (c *Config) jobFileSpec(j Job) jobfile.Spec {
	s := jobfile.Spec{Name: j.File, Path: j.Path, Root: j.Root, Max: c.Loading.MaxLuaFile, MaxKey: "max_lua_file"}
	if strings.ToLower(filepath.Ext(j.File)) == ".wasm" {
		s.Max, s.MaxKey = c.Loading.MaxWasmFile, "max_wasm_file"
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
