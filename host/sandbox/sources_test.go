package sandbox

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/abi"
)

func TestSourceSetKeepsRecentFilesWithinBudget(t *testing.T) {
	t.Parallel()
	var s sourceSet
	job := func(name string) *Job { return &Job{File: name + ".lua", Path: "/jobs/" + name + ".lua"} }
	big := strings.Repeat("x", sourcesBudget/3)

	s.note(job("a"), big)
	v := s.version()
	s.note(job("a"), big)
	if s.version() != v {
		t.Errorf("noting an unchanged file changed the version")
	}
	s.note(job("b"), big)
	s.note(job("a"), big) // a is now the more recent
	s.note(job("c"), big) // over budget: b goes
	if !s.has(job("a")) || s.has(job("b")) || !s.has(job("c")) {
		t.Errorf("after a, b, a, c: has a %v, b %v, c %v; want b dropped", s.has(job("a")), s.has(job("b")), s.has(job("c")))
	}
	if s.bytes > sourcesBudget {
		t.Errorf("the set holds %d bytes, over its budget of %d", s.bytes, sourcesBudget)
	}
	s.note(job("huge"), strings.Repeat("x", sourcesBudget+1))
	if s.has(job("huge")) {
		t.Errorf("a file larger than the budget was kept")
	}

	v = s.version()
	s.note(job("a"), "edited")
	if s.version() == v {
		t.Errorf("editing a file left the version unchanged")
	}
	decoded, err := abi.Decode(s.list())
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, item := range decoded.([]any) {
		files = append(files, item.(abi.Table).String("file"))
	}
	slices.Sort(files)
	if want := []string{"a.lua", "c.lua"}; !slices.Equal(files, want) {
		t.Errorf("list names %v, want %v", files, want)
	}
}

// TestSnapshotNeverRunsAnEditedJobsOldChunk: a snapshot holds the job files
// it was offered compiled; a run of a file edited since must run the edit.
func TestSnapshotNeverRunsAnEditedJobsOldChunk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, err := New(ctx, Options{Now: testEngine(t).opts.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(ctx) })
	version := func(word string) string {
		return "local job = core.job()\nfunction job.run()\n  core.log('" + word + "')\n  error('" + word + "')\nend\nreturn job\n"
	}
	job := writeJob(t, "edit.lua", version("one"))
	if err := e.Prepare(ctx, job); err != nil {
		t.Fatal(err)
	}
	inst, err := e.lua.pool.clone(ctx, DefaultLimits(), replaceNow) // takes a snapshot holding version one
	if err != nil {
		t.Fatal(err)
	}
	inst.close(ctx)
	e.lua.pool.mu.Lock()
	held := e.lua.pool.image.sources
	e.lua.pool.mu.Unlock()
	if held != e.sources.version() {
		t.Fatalf("the snapshot holds source set %d, not the current %d", held, e.sources.version())
	}
	for _, word := range []string{"one", "two"} {
		if word != "one" {
			if err := os.WriteFile(job.File, []byte(version(word)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		out := e.Run(ctx, job)
		if !slices.Equal(out.Logs, []string{word}) || !strings.HasSuffix(out.Error, "edit.lua:4: "+word) {
			t.Errorf("version %s: logs %q, error %q; want [%s] and an error at line 4", word, out.Logs, out.Error, word)
		}
	}
}
