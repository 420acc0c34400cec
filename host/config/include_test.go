package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIncludeGolden loads every testdata/include/*.toml, whose include
// patterns read the files of a drop-in directory beside it, and compares
// the jobs and where each comes from, or the errors, with the .golden file.
func TestIncludeGolden(t *testing.T) {
	t.Parallel()
	goldens(t, "testdata/include/*.toml", describeIncludes)
}

func describeIncludes(c *Config, err error) string {
	if err != nil {
		return err.Error() + "\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "included: %q\n", slashed(c.Included()))
	for _, j := range c.Jobs {
		fmt.Fprintf(&b, "job %s from %s: file=%s path=%s every=%s active=%v timeout=%s\n", j.Name, filepath.ToSlash(j.Source),
			j.File, filepath.ToSlash(j.Path), j.Interval.Duration(), j.IsActive(), c.JobLimits(j).Timeout)
	}
	return b.String()
}

func slashed(paths []string) []string {
	for i, p := range paths {
		paths[i] = filepath.ToSlash(p)
	}
	return paths
}

// TestIncludeMatches: a file the patterns name, existing or not, is one
// new jobs may go to; no other.
func TestIncludeMatches(t *testing.T) {
	t.Parallel()
	c, err := Load("testdata/include/ok.toml")
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{
		"testdata/include/ok.d/new.toml":     true,
		"testdata/include/ok.d/a-first.toml": true,
		"testdata/include/ok.d/notes.txt":    false,
		"testdata/include/ok.d/sub/x.toml":   false,
		"testdata/include/ok.toml":           false,
		"testdata/include/other.d/x.toml":    false,
		"testdata/include/ok.d/../bad.toml":  false,
		"testdata/include/ok.d/./b-new.toml": true,
	} {
		if got := c.IncludeMatches(path); got != want {
			t.Errorf("IncludeMatches(%s) = %v, want %v", path, got, want)
		}
	}
}

// fakeFiles is a drop-in directory held in memory.
type fakeFiles map[string][]byte

func (f fakeFiles) Glob(pattern string) ([]string, error) {
	var out []string
	for p := range f {
		if ok, err := filepath.Match(pattern, p); err != nil {
			return nil, err
		} else if ok {
			out = append(out, p)
		}
	}
	return out, nil
}

func (f fakeFiles) ReadFile(path string) ([]byte, error) {
	if b, ok := f[path]; ok {
		return b, nil
	}
	return nil, os.ErrNotExist
}

// FuzzInclude feeds arbitrary bytes as an included file: errors name a
// file and a position, and nothing panics.
func FuzzInclude(f *testing.F) {
	for _, p := range []string{"ok.d/a-first.toml", "ok.d/b-second.toml", "bad.d/bad.toml", "syntax.d/x.toml"} {
		data, err := os.ReadFile(filepath.Join("testdata/include", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	main, err := os.ReadFile("testdata/include/ok.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := DefaultConfig()
		files := fakeFiles{filepath.Join("testdata", "include", "ok.d", "x.toml"): data}
		if err := c.ParseWith(main, "testdata/include/ok.toml", files); err != nil {
			if !strings.HasPrefix(err.Error(), "testdata/include/") {
				t.Fatalf("error without a file: %v", err)
			}
			return
		}
		_ = c.Validate()
	})
}
