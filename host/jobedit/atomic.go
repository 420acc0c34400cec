package jobedit

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ETag returns the ETag of a file's contents: a hash of its bytes, quoted
// as an HTTP ETag header carries it.
func ETag(data []byte) string {
	sum := sha256.Sum256(data)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// etagMatches reports whether ifMatch, as an If-Match header gives it,
// names the file's current contents; "*" names any.
func etagMatches(data []byte, ifMatch string) bool {
	ifMatch = strings.TrimPrefix(strings.TrimSpace(ifMatch), "W/")
	return ifMatch == "*" || strings.Trim(ifMatch, `"`) == strings.Trim(ETag(data), `"`)
}

// staged is a file's new contents, written and synced to a temporary file
// beside it, to be renamed over it: a reader sees the old file or the new,
// never a part, and a crash leaves the old one.
type staged struct {
	root     *os.Root
	tmp, rel string
}

// stage writes data to a new temporary file beside rel in root, with the
// file's mode, or mode when the file does not exist yet.
func stage(root *os.Root, rel string, data []byte, mode fs.FileMode) (*staged, error) {
	if st, err := root.Stat(rel); err == nil {
		mode = st.Mode().Perm()
	}
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	tmp := filepath.Join(filepath.Dir(rel), "."+filepath.Base(rel)+".jobbox-"+hex.EncodeToString(nonce[:])+".tmp")
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return nil, fmt.Errorf("cannot write beside %s: %w", rel, err)
	}
	s := &staged{root: root, tmp: tmp, rel: rel}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode) // the umask must not narrow it
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.discard()
		return nil, fmt.Errorf("cannot write beside %s: %w", rel, err)
	}
	return s, nil
}

// path is where the temporary file is.
func (s *staged) path() string { return filepath.Join(s.root.Name(), s.tmp) }

func (s *staged) discard() { _ = s.root.Remove(s.tmp) }

// commit renames the temporary file over the file, if the file still holds
// base (or, when base is nil, still does not exist): a change made since it
// was read is a *ConflictError, and nothing is written. The directory is
// synced, so the rename survives a crash. shown names the file in errors.
func (s *staged) commit(base []byte, shown string) error {
	now, err := s.root.ReadFile(s.rel)
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		s.discard()
		return fmt.Errorf("cannot read %s: %w", shown, err)
	case base == nil && err == nil, base != nil && err != nil:
		s.discard()
		return &ConflictError{File: shown, ETag: etagOf(now, err)}
	case base != nil && !bytes.Equal(now, base):
		s.discard()
		return &ConflictError{File: shown, ETag: ETag(now)}
	}
	if err := s.root.Rename(s.tmp, s.rel); err != nil {
		s.discard()
		return fmt.Errorf("cannot replace %s: %w", shown, err)
	}
	dir, err := s.root.Open(filepath.Dir(s.rel))
	if err == nil {
		err = dir.Sync()
		dir.Close()
	}
	if err != nil {
		return fmt.Errorf("%s was replaced, but its directory could not be synced: %w", shown, err)
	}
	return nil
}

func etagOf(data []byte, err error) string {
	if err != nil {
		return ""
	}
	return ETag(data)
}
