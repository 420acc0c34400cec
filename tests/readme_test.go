package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEListsEveryConformanceRow keeps README's Coronium conformance
// table true: every function row of docs/conformance/*.md is in it, with
// the same status.
func TestREADMEListsEveryConformanceRow(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("..", "docs", "conformance", "*.md"))
	if len(files) == 0 {
		t.Fatal("no docs/conformance/*.md")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			cells := strings.Split(strings.Trim(line, "| "), " | ")
			if !strings.HasPrefix(line, "| ") || len(cells) < 2 || cells[0] == "function" {
				continue
			}
			row := "| " + cells[0] + " | " + cells[1] + " |"
			if !strings.Contains(string(readme), row) {
				t.Errorf("README's conformance table lacks %s's row %s", filepath.Base(f), row)
			}
		}
	}
}
