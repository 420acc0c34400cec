package sandbox

import (
	"sync"
	"time"

	"github.com/jobbox/jobbox/abi"
)

// Parsing and compiling a job file is most of what a trivial Lua run does
// inside the guest. The engine remembers the Lua job files its runs read
// and offers them to the Lua guest while it prepares a snapshot
// (abi.FuncSources); the guest compiles them there, so a run whose file is
// unchanged starts from the compiled chunk. Nothing a run does reaches the
// snapshot: what it holds comes from the job files alone.

// sourcesBudget bounds the bytes of job files (names and contents) offered
// to a snapshot; past it, the files least recently run are dropped. It
// keeps the snapshot, and the time to take one, small.
const sourcesBudget = 256 << 10

// maxPreparedSource bounds one job file offered to a snapshot, so that no
// single file can make up most of what the snapshot compiles.
const maxPreparedSource = 96 << 10

// snapshotSourcesAge is how old a snapshot must be before a change in the
// job files the engine knows makes it stale: often enough that new and
// edited jobs soon run compiled, rarely enough that a stream of new files
// does not keep the engine snapshotting.
const snapshotSourcesAge = 5 * time.Second

// sourceSet is the Lua job files runs have read, by path.
type sourceSet struct {
	mu      sync.Mutex
	files   map[string]*knownSource
	bytes   int
	uses    uint64 // counts note calls, to find the file least recently run
	changes uint64 // counts changes to the set
	encoded []byte // the set as abi.FuncSources returns it; nil when stale
}

type knownSource struct {
	file, source string // as the guest sees them (abi.FuncJob)
	lastUsed     uint64
}

// note records that a run of job read source.
func (s *sourceSet) note(job *Job, source string) {
	path, file := job.FilePath(), job.File
	if len(file)+len(source) > maxPreparedSource {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.uses++
	k, ok := s.files[path]
	if ok && k.source == source && k.file == file {
		k.lastUsed = s.uses
		return
	}
	if s.files == nil {
		s.files = make(map[string]*knownSource)
	}
	if ok {
		s.bytes -= len(k.file) + len(k.source)
		k.file, k.source, k.lastUsed = file, source, s.uses
	} else {
		s.files[path] = &knownSource{file: file, source: source, lastUsed: s.uses}
	}
	s.bytes += len(file) + len(source)
	for s.bytes > sourcesBudget {
		s.evictOldest()
	}
	s.changes++
	s.encoded = nil
}

// evictOldest drops the file least recently run. The caller holds s.mu.
func (s *sourceSet) evictOldest() {
	var oldest string
	var at uint64
	for path, k := range s.files {
		if oldest == "" || k.lastUsed < at {
			oldest, at = path, k.lastUsed
		}
	}
	k := s.files[oldest]
	s.bytes -= len(k.file) + len(k.source)
	delete(s.files, oldest)
}

// version changes whenever the set does.
func (s *sourceSet) version() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changes
}

// list returns the set as abi.FuncSources answers it.
func (s *sourceSet) list() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.encoded == nil {
		list := make([]any, 0, len(s.files))
		for _, k := range s.files {
			list = append(list, sourceEntry(k.file, k.source))
		}
		s.encoded, _ = abi.Encode(list)
	}
	return s.encoded
}

// has reports whether job's file is in the set.
func (s *sourceSet) has(job *Job) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.files[job.FilePath()]
	return ok
}

// sourceEntry is one item of abi.FuncSources's list.
func sourceEntry(file, source string) abi.Table {
	return abi.Table{{Key: "file", Value: file}, {Key: "source", Value: source}}
}

// sourcesBackoff holds off offering job files to snapshots after a
// snapshot failed to compile them (a file slow or huge to compile, which
// an attacker may write): the same set is never offered again, and a
// changed set only after sourcesRetryBase, doubling with each failure in a
// row up to about five minutes. So an attacker who keeps editing such a
// file costs at most one failed snapshot (luaSnapshotLimits) per delay.
type sourcesBackoff struct {
	mu       sync.Mutex
	version  uint64 // 1 + the version of the set that failed last; 0 for none
	failures int
	until    time.Time
}

const sourcesRetryBase = 5 * time.Second

// allows reports whether a snapshot may be offered version of the set.
func (b *sourcesBackoff) allows(version uint64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.version != version+1 && !time.Now().Before(b.until)
}

// failed records that a snapshot offered version of the set failed.
func (b *sourcesBackoff) failed(version uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.version = version + 1
	b.failures++
	b.until = time.Now().Add(sourcesRetryBase << min(b.failures-1, 6))
}

// succeeded records that a snapshot compiled the set it was offered.
func (b *sourcesBackoff) succeeded() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failures = 0
}

// failedAny reports whether any snapshot failed to compile its job files.
func (b *sourcesBackoff) failedAny() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.version != 0
}
