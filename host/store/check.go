package store

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
)

// ErrDamaged means the store file fails its consistency check.
var ErrDamaged = errors.New("the state store is damaged")

// Report is what a consistency check found in a store file.
type Report struct {
	Path        string   `json:"path"`
	Bytes       int64    `json:"bytes"`
	Jobs        int      `json:"jobs"`
	Runs        int      `json:"runs"`
	Collections int      `json:"collections"`
	Documents   int      `json:"documents"`
	Audit       int      `json:"audit"` // audit log entries
	Problems    []string `json:"problems,omitempty"`
}

// OK reports whether the check found no problem.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// maxProblems bounds a report: a store with random pages yields thousands.
const maxProblems = 20

// guard runs fn with memory faults turned into panics, and any panic into
// an error: bbolt reads pages through mmap, trusts the page ids it finds,
// and panics (or faults, past the end of a truncated file) on damage.
func guard(what string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: bbolt panicked: %v", what, r)
		}
	}()
	return fn()
}

// openGuarded opens a bbolt file under guard. If bbolt panics half way,
// the file it opened is closed here, since bbolt cannot; a mapping it had
// made stays, and keeps the file's lock, until the process ends. That is
// why Open checks through a read-only open, which reads only the
// checksummed meta pages, before the read-write one.
func openGuarded(path string, opts *bolt.Options) (*bolt.DB, error) {
	var f *os.File
	opts.OpenFile = func(name string, flag int, mode os.FileMode) (*os.File, error) {
		var err error
		f, err = os.OpenFile(name, flag, mode)
		return f, err
	}
	var db *bolt.DB
	err := guard("opening", func() (err error) {
		db, err = bolt.Open(path, 0o600, opts)
		return err
	})
	if err != nil && db == nil && f != nil {
		_ = f.Close()
	}
	return db, err
}

// check verifies db: the file holds every page the meta page counts, every
// bucket, key and value can be read, and bbolt's own page check agrees.
// online is for a store open for writing, whose meta pages change as it
// is read and whose freelist was read when it was opened.
func check(db *bolt.DB, r *Report, online bool) {
	err := guard("reading every bucket", func() error {
		return db.View(func(tx *bolt.Tx) error {
			if !online {
				if tx.Size() > r.Bytes {
					return fmt.Errorf("the file is %d bytes, but its pages need %d: it was truncated", r.Bytes, tx.Size())
				}
				if err := checkPages(r.Path, db.Info().PageSize, uint64(tx.ID())); err != nil {
					return err
				}
			}
			walk(tx, r)
			return nil
		})
	})
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
		return
	}
	// Only now that every reachable page was read safely above: Check
	// reads them again in a goroutine of its own, where a fault would kill
	// the process instead of panicking.
	_ = db.View(func(tx *bolt.Tx) error {
		for e := range tx.Check() {
			if len(r.Problems) < maxProblems {
				r.Problems = append(r.Problems, e.Error())
			}
		}
		return nil
	})
}

// walk counts the store's contents, reading every value on the way.
func walk(tx *bolt.Tx, r *Report) {
	if b := tx.Bucket(bucketJobs); b != nil {
		r.Jobs = countKeys(b)
	}
	if b := tx.Bucket(bucketRuns); b != nil {
		_ = b.ForEachBucket(func(k []byte) error {
			r.Runs += countKeys(b.Bucket(k))
			return nil
		})
	}
	if b := tx.Bucket(bucketAudit); b != nil {
		r.Audit = countKeys(b)
	}
	if b := tx.Bucket(bucketData); b != nil {
		_ = b.ForEachBucket(func(k []byte) error {
			r.Collections++
			r.Documents += countKeys(b.Bucket(k))
			return nil
		})
	}
}

func countKeys(b *bolt.Bucket) int {
	n, touched := 0, byte(0)
	_ = b.ForEach(func(_, v []byte) error {
		n++
		// Touch every page of the value, so that a page of it past the
		// end of the file faults here, under guard.
		for i := 0; i < len(v); i += 1024 {
			touched += v[i]
		}
		if len(v) > 0 {
			touched += v[len(v)-1]
		}
		return nil
	})
	runtime.KeepAlive(touched)
	return n
}
