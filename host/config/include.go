package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// A config may include more files of jobs, a drop-in directory for
// instance: include = ["conf.d/*.toml"]. The patterns are relative to the
// config file; the files they match are read in the order of the patterns,
// and of their names within a pattern, and their jobs come after the
// config's own. An included file holds [[jobs]] tables and nothing else
// (no includes of its own), and its relative paths, like the config's, are
// relative to the config file.

// Files finds and reads the files a config includes: OSFiles, or a view
// of a change not yet written.
type Files interface {
	Glob(pattern string) ([]string, error)
	ReadFile(path string) ([]byte, error)
}

// OSFiles are the files on disk.
type OSFiles struct{}

func (OSFiles) Glob(pattern string) ([]string, error) { return filepath.Glob(pattern) }
func (OSFiles) ReadFile(path string) ([]byte, error)  { return os.ReadFile(path) }

// included is one included file: it defines jobs [first, first+count).
type included struct {
	path         string
	first, count int
}

// includeFile is what an included file may hold.
type includeFile struct {
	Jobs []Job `toml:"jobs"`
}

// Included returns the files the config includes, in the order read.
func (c *Config) Included() []string {
	paths := make([]string, len(c.included))
	for i, inc := range c.included {
		paths[i] = inc.path
	}
	return paths
}

// IncludeMatches reports whether the file at path is one the config's
// include patterns name, existing or not: where a new file of jobs may go.
func (c *Config) IncludeMatches(path string) bool {
	for _, pattern := range c.Include {
		if ok, err := filepath.Match(filepath.Clean(c.resolve(pattern)), filepath.Clean(path)); err == nil && ok {
			return true
		}
	}
	return false
}

// include reads the files the include patterns match, from fs, and adds
// their jobs and their positions.
func (c *Config) include(fs Files) error {
	for i := range c.Jobs {
		c.Jobs[i].Source = c.Path
	}
	files, err := c.includedFiles(fs)
	if err != nil {
		return err
	}
	for _, path := range files {
		data, err := fs.ReadFile(path)
		if err != nil {
			line, col := c.positions.of("include")
			return Errors{{File: c.Path, Line: line, Col: col, Message: fmt.Sprintf("included file %s cannot be read: %v", path, unwrapPathError(err))}}
		}
		var f includeFile
		dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().EnableUnmarshalerInterface()
		if err := dec.Decode(&f); err != nil {
			return (&Config{Path: path}).decodeError(err)
		}
		inc := included{path: path, first: len(c.Jobs), count: len(f.Jobs)}
		for key, pos := range locate(data) {
			if rest, ok := strings.CutPrefix(key, "jobs."); ok {
				n, tail, _ := strings.Cut(rest, ".")
				if i, err := strconv.Atoi(n); err == nil {
					c.positions[strings.TrimSuffix("jobs."+strconv.Itoa(inc.first+i)+"."+tail, ".")] = pos
				}
			}
		}
		for _, j := range f.Jobs {
			j.Source = path
			c.Jobs = append(c.Jobs, j)
		}
		c.included = append(c.included, inc)
	}
	return nil
}

// includedFiles expands the include patterns, leaving out the config file
// itself and files already matched.
func (c *Config) includedFiles(fs Files) ([]string, error) {
	var files []string
	seen := map[string]bool{filepath.Clean(c.Path): true}
	for i, pattern := range c.Include {
		matches, err := fs.Glob(c.resolve(pattern))
		if err == nil && pattern == "" {
			err = errors.New("it is empty")
		}
		if err != nil {
			line, col := c.positions.of("include")
			return nil, Errors{{File: c.Path, Line: line, Col: col, Message: fmt.Sprintf("include entry %d (%q) is not a file pattern: %v", i+1, pattern, err)}}
		}
		slices.Sort(matches)
		for _, m := range matches {
			if m = filepath.Clean(m); !seen[m] {
				seen[m] = true
				files = append(files, m)
			}
		}
	}
	return files, nil
}

// resolve makes a path the config names relative to its directory.
func (c *Config) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// fileOf returns the file that holds key: the included file of the job
// it belongs to, or the config file.
func (c *Config) fileOf(key string) string {
	if rest, ok := strings.CutPrefix(key, "jobs."); ok {
		n, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(n); err == nil {
			for _, inc := range c.included {
				if i >= inc.first && i < inc.first+inc.count {
					return inc.path
				}
			}
		}
	}
	return c.Path
}

// fileRank orders problems by file: the config's own first, then the
// included files in the order read.
func (c *Config) fileRank(file string) int {
	for i, inc := range c.included {
		if inc.path == file {
			return i + 1
		}
	}
	return 0
}
