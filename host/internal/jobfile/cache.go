package jobfile

import (
	"os"
	"sync"
	"time"
)

// Cache reads job files for an engine that reads the same ones at every
// run. It remembers what each file held when it was read, with its
// Version, and answers a file that is Unchanged since from memory: one
// stat instead of an open, a read and a close. What it answers was read
// through Roots, with every check Open makes; a file swapped for a symlink
// out of the job directory, a FIFO or an edited file never matches its
// version, and is read and checked anew.
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
)

type fileKey struct{ path, root string }

type cachedFile struct {
	version Version
	text    string
}

// Read returns the file's content, checked as Open checks it: from memory
// when the file is unchanged since it was last read, else read anew.
func (c *Cache) Read(s Spec) (string, error) {
	key := fileKey{s.Path, s.Root}
	c.mu.Lock()
	k := c.files[key]
	c.mu.Unlock()
	if k != nil && Unchanged(s, k.version) {
		return k.text, nil
	}
	readAt := c.clock()
	b, st, err := c.roots.Read(s)
	if err != nil {
		c.forget(key)
		return "", err
	}
	text := string(b)
	if len(b) <= maxCachedFile {
		c.keep(key, &cachedFile{version: VersionOf(st, readAt), text: text})
	}
	return text, nil
}

// Open opens the file as the package's Open does, in the directories the
// cache holds open, and returns the version of what it opened, for a
// caller that keeps what it makes of the file until the file changes.
func (c *Cache) Open(s Spec) (*os.File, Version, error) {
	readAt := c.clock()
	f, st, err := c.roots.Open(s)
	if err != nil {
		return nil, Version{}, err
	}
	return f, VersionOf(st, readAt), nil
}

func (c *Cache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// Close closes the directories the cache holds and forgets the files.
func (c *Cache) Close() {
	c.roots.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.files, c.bytes = nil, 0
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
