package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Check reports on the open store's consistency, while it is in use.
func (s *Bolt) Check() Report { return checkDB(s.db, s.db.Path(), true) }

// Backup writes a consistent copy of the store to w, from one read
// transaction, so writers go on meanwhile. size, if set, learns the copy's
// length before it is written.
func (s *Bolt) Backup(w io.Writer, size func(int64)) (int64, error) {
	var n int64
	err := guard("copying", func() error {
		return s.db.View(func(tx *bolt.Tx) (err error) {
			if size != nil {
				size(tx.Size())
			}
			n, err = tx.WriteTo(w)
			return err
		})
	})
	return n, err
}

// CheckFile checks the store file at path, which no process may hold open
// for writing: a running service's store is checked through Bolt.Check.
func CheckFile(path string) (Report, error) {
	r := Report{Path: path}
	st, err := os.Stat(path)
	if err != nil {
		return r, fmt.Errorf("reading the state store: %w", err)
	}
	if r.Bytes = st.Size(); r.Bytes == 0 {
		r.Problems = []string{"the file is empty (0 bytes)"}
		return r, nil
	}
	if r.Bytes < minStoreSize {
		r.Problems = []string{fmt.Sprintf("the file is %d bytes, too small to be a store (at least %d)", r.Bytes, minStoreSize)}
		return r, nil
	}
	db, err := openReadOnly(path)
	if err != nil {
		if errors.Is(err, ErrLocked) {
			return r, err
		}
		r.Problems = []string{err.Error()}
		return r, nil
	}
	defer db.Close()
	check(db, &r, false)
	return r, nil
}

func openReadOnly(path string) (*bolt.DB, error) {
	db, err := openGuarded(path, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("opening %s: %w (is the service running?)", path, ErrLocked)
	}
	return db, err
}

// BackupFile copies the store file at from, which no process holds open,
// to the new file to.
func BackupFile(from, to string) error {
	db, err := openReadOnly(from)
	if err != nil {
		return fmt.Errorf("opening the state store %s: %w", from, err)
	}
	defer db.Close()
	if r := checkDB(db, from, false); !r.OK() {
		return fmt.Errorf("%w: %s fails its consistency check: %s; there is nothing sound to back up", ErrDamaged, from, r.Problems[0])
	}
	return WriteBackup(to, func(w io.Writer) error {
		return db.View(func(tx *bolt.Tx) error { _, err := tx.WriteTo(w); return err })
	})
}

// WriteBackup writes a backup to the new file path through write, synced
// to disk, then checks the copy.
func WriteBackup(path string, write func(io.Writer) error) error {
	if err := writeSynced(path, write); err != nil {
		return fmt.Errorf("writing the backup %s: %w", path, err)
	}
	r, err := CheckFile(path)
	if err != nil {
		return err
	}
	if !r.OK() {
		return fmt.Errorf("%w: the backup %s fails its consistency check: %s", ErrDamaged, path, r.Problems[0])
	}
	return nil
}

// writeSynced writes a file through a temporary one, synced and renamed
// into place, so a crash leaves the old file or the whole new one.
func writeSynced(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// Restore replaces the store file at path with a copy of the backup at
// from, once the backup passes its check. The replaced file, if any, is
// kept beside it under the name Restore returns. The service must be
// stopped: a store held open is refused with ErrLocked.
func Restore(from, path string) (aside string, err error) {
	r, err := CheckFile(from)
	if err != nil {
		return "", err
	}
	if !r.OK() {
		return "", fmt.Errorf("%w: the backup %s fails its consistency check: %s; choose another backup", ErrDamaged, from, r.Problems[0])
	}
	if f, err := os.Open(path); err == nil {
		defer f.Close()
		if err := lockFile(f); err != nil {
			return "", fmt.Errorf("%s is in use (stop the service first): %w", path, ErrLocked)
		}
		aside = path + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(path, aside); err != nil {
			return "", fmt.Errorf("moving the current store aside: %w", err)
		}
	}
	src, err := os.Open(from)
	if err != nil {
		return aside, err
	}
	defer src.Close()
	if err := writeSynced(path, func(w io.Writer) error { _, err := io.Copy(w, src); return err }); err != nil {
		return aside, fmt.Errorf("copying the backup to %s: %w", path, err)
	}
	return aside, writeMarker(path)
}
