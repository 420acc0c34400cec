package jobfile

import (
	"io/fs"
	"os"
	"sync"
	"time"
)

// Cache reads job files for an engine that reads the same ones at every
// run. It remembers what each file held when it was read, with the file's
// status then, and answers a file whose status has not changed since from
// memory: one stat instead of an open, a read and a close.
//
// What it answers was read through Roots, with every check Open makes,
// and a file's status names the file it belongs to (device and inode,
// after symlinks) and changes with every write (size, modification and
// change times). So a file swapped for a symlink out of the job directory,
// a FIFO or an edited file never matches, and is read and checked anew.
// The one gap is a write in the same tick of the file system's clock as
// the read that cached it, which leaves the times as they were: an entry
// is trusted only once its file had not changed for settleTime before it
// was read, so a file edited in that tick is read again at every run until
// it has held still that long (Git's "racy clean" rule).
//
// The zero value is ready to use; Close closes the directories it holds.
type Cache struct {
	now   func() time.Time // time.Now when nil; tests move it
	roots Roots
	mu    sync.Mutex
	files map[fileKey]*cachedFile
	bytes int
}

// Bounds of what a Cache keeps: files larger than maxCachedFile are read at
// every run, and past cacheBudget entries are dropped at random, so a host
// with many jobs keeps at most that much and reads the rest.
const (
	maxCachedFile = 64 << 10
	cacheBudget   = 32 << 20
	settleTime    = 2 * time.Second // above FAT's 2 s mtime, the coarsest clock
)

type fileKey struct{ path, root string }

type cachedFile struct {
	st      fs.FileInfo
	ctime   time.Time
	text    string
	settled bool // st's times were settleTime older than the read
}

// Read returns the file's content, checked as Open checks it: from memory
// when the file has not changed since it was last read, else read anew.
func (c *Cache) Read(s Spec) (string, error) {
	key := fileKey{s.Path, s.Root}
	c.mu.Lock()
	k := c.files[key]
	c.mu.Unlock()
	if k != nil && k.settled {
		if st, err := os.Stat(s.Path); err == nil && k.matches(st) && s.check(st) == nil {
			return k.text, nil
		}
	}
	readAt := time.Now()
	if c.now != nil {
		readAt = c.now()
	}
	b, st, err := c.roots.Read(s)
	if err != nil {
		c.forget(key)
		return "", err
	}
	text := string(b)
	if len(b) <= maxCachedFile {
		ctime, known := changeTime(st)
		c.keep(key, &cachedFile{st: st, ctime: ctime, text: text, settled: known && settled(st, ctime, readAt)})
	}
	return text, nil
}

// Open opens the file as the package's Open does, in the directories the
// cache holds open.
func (c *Cache) Open(s Spec) (*os.File, fs.FileInfo, error) { return c.roots.Open(s) }

// Close closes the directories the cache holds and forgets the files.
func (c *Cache) Close() {
	c.roots.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.files, c.bytes = nil, 0
}

// matches reports whether st is the status k was read with.
func (k *cachedFile) matches(st fs.FileInfo) bool {
	ctime, _ := changeTime(st)
	return os.SameFile(k.st, st) && k.st.Size() == st.Size() && k.st.ModTime().Equal(st.ModTime()) &&
		k.ctime.Equal(ctime) && k.st.Mode() == st.Mode()
}

// settled reports whether a file with status st and change time ctime,
// read at readAt, had not changed for settleTime before.
func settled(st fs.FileInfo, ctime, readAt time.Time) bool {
	latest := st.ModTime()
	if ctime.After(latest) {
		latest = ctime
	}
	return readAt.Sub(latest) > settleTime
}

func (c *Cache) keep(key fileKey, k *cachedFile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.files == nil {
		c.files = make(map[fileKey]*cachedFile)
	}
	c.forgetLocked(key)
	c.files[key] = k
	c.bytes += len(k.text)
	for key := range c.files {
		if c.bytes <= cacheBudget {
			break
		}
		c.forgetLocked(key)
	}
}

func (c *Cache) forget(key fileKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgetLocked(key)
}

func (c *Cache) forgetLocked(key fileKey) {
	if k, ok := c.files[key]; ok {
		c.bytes -= len(k.text)
		delete(c.files, key)
	}
}
