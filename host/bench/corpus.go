package bench

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jobbox/jobbox/host/sandbox"
)

// CorpusJob is one job of the hostile corpus: a job file and the error its
// run must be deactivated with.
type CorpusJob struct {
	Name   string // the job's name: the file's base name, "guest-" before a compiled guest's
	File   string // absolute path of the job file
	ErrHas string // text the stored error must contain
}

// LoadCorpus reads the hostile corpus under dir (the repository's tests/):
// every hostile/*.lua, whose first line says `-- expect: ERROR text`, and
// every guests/NAME.wasm that has a guests/NAME.expect saying `ERROR text`.
// Every hostile job must end in ERROR: the corpus is what must be contained.
func LoadCorpus(dir string) ([]CorpusJob, error) {
	var jobs []CorpusJob
	lua, err := filepath.Glob(filepath.Join(dir, "hostile", "*.lua"))
	if err != nil {
		return nil, err
	}
	for _, file := range lua {
		j, err := corpusJob(file, file, "-- expect: ", "")
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	expects, err := filepath.Glob(filepath.Join(dir, "guests", "*.expect"))
	if err != nil {
		return nil, err
	}
	for _, exp := range expects {
		wasm := strings.TrimSuffix(exp, ".expect") + ".wasm"
		j, err := corpusJob(exp, wasm, "", "guest-")
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	if len(jobs) == 0 {
		return nil, fmt.Errorf("no hostile corpus under %s", dir)
	}
	return jobs, nil
}

// corpusJob reads the expectation on the first line of from, after prefix,
// for the job file file.
func corpusJob(from, file, prefix, namePrefix string) (CorpusJob, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return CorpusJob{}, err
	}
	if _, err := os.Stat(abs); err != nil {
		return CorpusJob{}, fmt.Errorf("%s: %w", from, err)
	}
	f, err := os.Open(from)
	if err != nil {
		return CorpusJob{}, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), prefix)
	status, errHas, _ := strings.Cut(rest, " ")
	if !ok || status != "ERROR" {
		return CorpusJob{}, errors.New(from + `:1: the first line must say "` + prefix + `ERROR <text the error contains>": every hostile job must end in ERROR`)
	}
	name := namePrefix + strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	return CorpusJob{Name: name, File: abs, ErrHas: errHas}, nil
}

// CorpusLimits are the limits the hostile corpus runs under; the
// expectations name these values (a 1 s time limit, 32 MiB of memory, 100 log lines, 1000 host calls). The
// host-call limit is small enough that a flood reaches it long before the
// time limit even on a machine too busy to give the flood a core.
func CorpusLimits() sandbox.Limits {
	return sandbox.Limits{Timeout: time.Second, MemoryBytes: 32 << 20, LogLines: 100, LogBytes: 64 << 10,
		HostCalls: 1000, CallBytes: 1 << 20, RunBytes: 16 << 20}
}

// CorpusConfig is the [limits] section of a config.toml that gives every job
// CorpusLimits.
const CorpusConfig = "[limits]\ntimeout = \"1s\"\nmemory = \"32MiB\"\nlog_lines = 100\nlog_bytes = \"64KiB\"\nhost_calls = 1000\ncall_bytes = \"1MiB\"\nrun_bytes = \"16MiB\"\n"
