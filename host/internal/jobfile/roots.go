package jobfile

import (
	"io/fs"
	"os"
	"sync"
)

// Roots opens job files as Open does, for an engine that opens the same
// files at every run: it keeps each job directory open between calls
// instead of opening and closing it around every file, which is most of
// what Open costs. Each call first checks that the directory's path still
// names the directory it holds, so a deploy that swaps the directory (a
// rename over it, a symlink switched to a new release) is seen at once.
//
// The zero value is ready to use; Close closes the directories. A Roots is
// safe for concurrent use.
type Roots struct {
	mu    sync.RWMutex // held for reading while a file is opened in a root
	roots map[string]heldRoot
}

type heldRoot struct {
	root *os.Root
	dir  fs.FileInfo // the directory root holds, to compare the path's with
}

// Open opens the file as the package's Open does.
func (rs *Roots) Open(s Spec) (*os.File, fs.FileInfo, error) {
	dir, rel, err := s.locate()
	if err != nil {
		return nil, nil, err
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, nil, s.rootError(dir, err)
	}
	rs.mu.RLock()
	if h, ok := rs.roots[dir]; ok && os.SameFile(h.dir, st) {
		defer rs.mu.RUnlock()
		return s.openIn(h.root, dir, rel)
	}
	rs.mu.RUnlock()

	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, s.rootError(dir, err)
	}
	if st, err = r.Stat("."); err != nil {
		r.Close()
		return nil, nil, s.rootError(dir, err)
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if h, ok := rs.roots[dir]; ok {
		h.root.Close() // no reader: they hold the lock while they use it
	}
	if rs.roots == nil {
		rs.roots = make(map[string]heldRoot)
	}
	rs.roots[dir] = heldRoot{root: r, dir: st}
	return s.openIn(r, dir, rel)
}

// Read opens the file as Open does and reads it whole, as the package's
// Read does.
func (rs *Roots) Read(s Spec) ([]byte, fs.FileInfo, error) { return readWith(rs.Open, s) }

// Close closes the directories held. Files opened from them stay open.
func (rs *Roots) Close() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, h := range rs.roots {
		h.root.Close()
	}
	rs.roots = nil
}
