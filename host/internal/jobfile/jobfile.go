// Package jobfile opens job files the way an attacker who writes them
// cannot abuse: confined to a directory (no symlink or .. out of it),
// without blocking (a FIFO would hang the opener), regular files only, and
// refused by size before a byte is read (a sparse file may claim
// terabytes). The config check and the engine's loads share it, so a file
// the check accepts is one the engine will open.
package jobfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Spec says which file to open and what it may be.
type Spec struct {
	Name string // as configured: shown in every message
	Path string // where it is
	// Root is the directory the file must lie in, symlinks resolved; the
	// file's own directory when empty.
	Root string
	// Max is the most bytes the file may have; MaxKey names the setting
	// that sets it, for the message.
	Max    int64
	MaxKey string
}

// Open opens the file without blocking and checks it is a regular file of
// at most s.Max bytes inside s.Root. The caller closes the file.
func Open(s Spec) (*os.File, fs.FileInfo, error) {
	root, rel, err := s.locate()
	if err != nil {
		return nil, nil, err
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, nil, s.rootError(root, err)
	}
	defer r.Close()
	return s.openIn(r, root, rel)
}

// openIn opens rel in r, the root directory root, and checks it.
func (s Spec) openIn(r *os.Root, root, rel string) (*os.File, fs.FileInfo, error) {
	// O_NONBLOCK: opening a FIFO for reading waits for a writer otherwise.
	// O_NOCTTY: a terminal device must not become the service's.
	f, err := r.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, s.openError(root, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("cannot read job file %s: %w", s.Name, unwrapPathError(err))
	}
	if err := s.check(st); err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// rootError explains why the directory root could not be opened.
func (s Spec) rootError(root string, err error) error {
	if s.Root != "" {
		return fmt.Errorf("cannot open the job directory %s of job file %s: %w", root, s.Name, unwrapPathError(err))
	}
	return fmt.Errorf("cannot read job file %s: %w", s.Name, unwrapPathError(err))
}

// Check opens the file as Open does and closes it: for a config check.
func Check(s Spec) error {
	f, _, err := Open(s)
	if err == nil {
		f.Close()
	}
	return err
}

// Read opens the file as Open does and reads it whole, at most s.Max bytes
// even if it grows meanwhile. It returns the file's status too, for
// callers that keep its Version.
func Read(s Spec) ([]byte, fs.FileInfo, error) { return readWith(Open, s) }

func readWith(open func(Spec) (*os.File, fs.FileInfo, error), s Spec) ([]byte, fs.FileInfo, error) {
	f, st, err := open(s)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	b, err := ReadOpen(s, f, st)
	return b, st, err
}

// ReadOpen reads a file Open returned, at most s.Max bytes.
func ReadOpen(s Spec, f *os.File, st fs.FileInfo) ([]byte, error) {
	// st.Size() <= s.Max (Open checked), so this allocates what the file
	// claims. Asking one byte more than that tells, in the one read a file
	// that has not changed needs, that it ends where its status said; any
	// other answer (it shrank, grew, or the read came short) is read on to
	// the end, up to the limit.
	buf := make([]byte, st.Size()+1)
	n, err := f.Read(buf)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("cannot read job file %s: %w", s.Name, unwrapPathError(err))
	}
	if int64(n) == st.Size() {
		return buf[:n], nil
	}
	rest := bytes.NewBuffer(buf[:n])
	if _, err := rest.ReadFrom(io.LimitReader(f, s.Max+1-int64(n))); err != nil {
		return nil, fmt.Errorf("cannot read job file %s: %w", s.Name, unwrapPathError(err))
	}
	if int64(rest.Len()) > s.Max {
		return nil, fmt.Errorf("job file %s grew past %s (%s) while it was read", s.Name, s.MaxKey, formatBytes(s.Max))
	}
	return rest.Bytes(), nil
}

// locate returns the root directory and the file's path inside it.
func (s Spec) locate() (root, rel string, err error) {
	path, err := filepath.Abs(s.Path)
	if err != nil {
		return "", "", fmt.Errorf("cannot read job file %s: %w", s.Name, err)
	}
	root = filepath.Dir(path)
	if s.Root != "" {
		if root, err = filepath.Abs(s.Root); err != nil {
			return "", "", fmt.Errorf("cannot read job file %s: %w", s.Name, err)
		}
	}
	rel, ok := Inside(root, path)
	if !ok {
		return "", "", fmt.Errorf("job file %s lies outside %s, the directory job files must be in", s.Name, root)
	}
	return root, rel, nil
}

// Inside returns path relative to dir, and whether path lies in dir as
// written (symlinks are not resolved: Open refuses those that lead out).
func Inside(dir, path string) (string, bool) {
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return rel, true
}

// openError explains why the root refused to open the file. The message
// never holds what a symlink points to, nor anything read from it.
func (s Spec) openError(root string, err error) error {
	err = unwrapPathError(err)
	var errno syscall.Errno
	switch {
	case errors.As(err, &errno) && errno == syscall.ELOOP:
		return fmt.Errorf("job file %s is a symlink loop", s.Name)
	case errors.As(err, &errno):
		return fmt.Errorf("cannot read job file %s: %w", s.Name, err)
	case strings.Contains(err.Error(), "escapes"):
		return fmt.Errorf("job file %s leads out of %s (a symlink or .. out of the directory job files must be in), which is not allowed", s.Name, root)
	}
	return fmt.Errorf("cannot read job file %s: %w", s.Name, err)
}

// check refuses what is not a regular file, or is larger than s.Max.
func (s Spec) check(st fs.FileInfo) error {
	if kind := KindOf(st.Mode()); kind != "" {
		return fmt.Errorf("job file %s is %s, not a regular file", s.Name, kind)
	}
	if st.Size() > s.Max {
		return fmt.Errorf("job file %s is %s, more than %s (%s)", s.Name, formatBytes(st.Size()), s.MaxKey, formatBytes(s.Max))
	}
	return nil
}

// KindOf names what a file that is not regular is ("a named pipe (FIFO)"),
// or returns "" for a regular file. The state directory check names what
// it refuses with it too.
func KindOf(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a special file (" + m.Type().String() + ")"
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<40:
		return fmt.Sprintf("%.1f TiB", float64(n)/(1<<40))
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
