package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommittedGuestsAreFresh re-runs every go:generate line of the module
// that builds a committed .wasm, into a temporary directory, and fails when
// the committed file differs: someone changed a guest's source and did not
// run `go generate ./...`.
func TestCommittedGuestsAreFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every guest")
	}
	t.Parallel()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	var found int
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), "//go:generate ")
			if !ok || !strings.Contains(line, ".wasm") {
				continue
			}
			found++
			checkFresh(t, filepath.Dir(path), strings.Fields(line))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 3 {
		t.Fatalf("found only %d guest build lines", found)
	}
}

func checkFresh(t *testing.T, dir string, args []string) {
	t.Helper()
	for i, a := range args {
		if a != "-o" || i+1 >= len(args) {
			continue
		}
		committed := filepath.Join(dir, args[i+1])
		fresh := filepath.Join(t.TempDir(), filepath.Base(committed))
		args[i+1] = fresh
		if args[0] == "wat2wasm" {
			if _, err := exec.LookPath("wat2wasm"); err != nil {
				t.Errorf("wat2wasm is not installed (Debian package wabt): cannot check %s", committed)
				return
			}
		}
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out)
			return
		}
		want, err1 := os.ReadFile(committed)
		got, err2 := os.ReadFile(fresh)
		if err1 != nil || err2 != nil || !bytes.Equal(want, got) {
			t.Errorf("%s is stale (or missing): run `go generate ./...` and commit the result", committed)
		}
		return
	}
	t.Errorf("go:generate line in %s has no -o: %v", dir, args)
}
