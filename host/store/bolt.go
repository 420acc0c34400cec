package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Bolt is a Store in a single bbolt file: one bucket of job states, and per
// job a bucket of runs keyed by a growing sequence number.
type Bolt struct {
	db *bolt.DB
}

var _ Store = (*Bolt)(nil)

var (
	bucketJobs = []byte("jobs")
	bucketRuns = []byte("runs")
)

// OpenBolt opens (creating if needed) the store file at path, refusing a
// damaged one; see Open.
func OpenBolt(path string) (*Bolt, error) { return Open(path, OpenOptions{}) }

// OpenOptions tune Open.
type OpenOptions struct {
	// Fresh allows starting on a new, empty store where one has been used
	// before (its marker file exists) but is now missing or empty: the
	// operator's explicit choice to forget every job's state.
	Fresh bool
}

// MarkerSuffix names the file beside the store that says a store has been
// created here, so a store file that goes missing is noticed.
const MarkerSuffix = ".created"

// minStoreSize is the smallest store bbolt writes: two meta pages, a
// freelist page and a root page, of at least 4KiB each. A smaller file
// would have bbolt read its meta pages past the end of the file.
const minStoreSize = 4 * 4096

// recovery is what every refusal tells the operator to do.
const recovery = "restore the latest backup with `jobbox store restore FILE` (service stopped), " +
	"or start on an empty store, forgetting which jobs are deactivated, with `jobbox serve --new-store`"

// Open opens (creating if needed) the store file at path. It never starts
// silently on an empty store where one was used before, and it refuses a
// store that fails its consistency check, since either would forget which
// jobs are deactivated and run them again.
func Open(path string, opts OpenOptions) (*Bolt, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the state directory: %w", err)
	}
	if err := checkPresent(path, opts.Fresh); err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err == nil {
		if err := checkBeforeOpen(path); err != nil {
			return nil, err
		}
	}
	db, err := openGuarded(path, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, openError(path, err)
	}
	if err := prepare(db, path); err != nil {
		db.Close()
		return nil, err
	}
	return &Bolt{db: db}, nil
}

// checkPresent refuses a missing or empty store file where a store was
// used before, unless fresh. (bbolt turns an empty file into a new store.)
func checkPresent(path string, fresh bool) error {
	st, err := os.Stat(path)
	switch {
	case err == nil && st.Size() >= minStoreSize:
		return nil
	case err == nil && st.Size() > 0:
		return fmt.Errorf("%w: %s is %d bytes, too small to be a store (at least %d); %s", ErrDamaged, path, st.Size(), minStoreSize, recovery)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("reading the state store %s: %w", path, err)
	case fresh:
		if err == nil {
			return os.Remove(path)
		}
		return nil
	case err == nil:
		return fmt.Errorf("%w: %s is empty (0 bytes), so every job's state is lost; %s", ErrDamaged, path, recovery)
	}
	if _, err := os.Stat(path + MarkerSuffix); err == nil {
		return fmt.Errorf("%w: %s is missing, but %s says a store was created here; %s",
			ErrDamaged, path, path+MarkerSuffix, recovery)
	}
	return nil
}

// checkBeforeOpen checks the store through a read-only bbolt, which reads
// no more than the meta pages when it opens, so a damaged store is refused
// before the read-write open, which reads the freelist page whatever it is.
func checkBeforeOpen(path string) error {
	ro, err := openReadOnly(path)
	if err != nil {
		return openError(path, err)
	}
	r := checkDB(ro, path, false)
	ro.Close()
	if !r.OK() {
		return fmt.Errorf("%w: %s fails its consistency check: %s; %s", ErrDamaged, path, r.Problems[0], recovery)
	}
	return nil
}

func openError(path string, err error) error {
	switch {
	case errors.Is(err, ErrLocked), errors.Is(err, os.ErrPermission):
		return err
	case errors.Is(err, bolterrors.ErrTimeout):
		return fmt.Errorf("opening %s: %w (is the service already running?)", path, ErrLocked)
	}
	return fmt.Errorf("%w: %s cannot be opened: %v; %s", ErrDamaged, path, err, recovery)
}

func checkDB(db *bolt.DB, path string, online bool) Report {
	r := Report{Path: path}
	if st, err := os.Stat(path); err == nil {
		r.Bytes = st.Size()
	}
	check(db, &r, online)
	return r
}

// prepare creates the buckets and the marker file.
func prepare(db *bolt.DB, path string) error {
	err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketJobs, bucketRuns, bucketAudit} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("preparing the state store %s: %w", path, err)
	}
	return writeMarker(path)
}

func writeMarker(path string) error {
	marker := path + MarkerSuffix
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	text := "A jobbox state store was created beside this file; jobbox refuses to start without it.\n"
	if err := os.WriteFile(marker, []byte(text), 0o600); err != nil {
		return fmt.Errorf("writing the store's marker %s: %w", marker, err)
	}
	return nil
}

func (s *Bolt) Close() error { return s.db.Close() }

func (s *Bolt) Jobs(context.Context) (map[string]JobState, error) {
	jobs := map[string]JobState{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJobs).ForEach(func(k, v []byte) error {
			var st JobState
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("job %q: %w", k, err)
			}
			jobs[string(k)] = st
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reading job states: %w", err)
	}
	return jobs, nil
}

func (s *Bolt) SaveJob(_ context.Context, st JobState) error {
	return s.db.Update(func(tx *bolt.Tx) error { return putJob(tx, st) })
}

func putJob(tx *bolt.Tx, st JobState) error {
	v, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketJobs).Put([]byte(st.Name), v); err != nil {
		return fmt.Errorf("saving the state of job %q: %w", st.Name, err)
	}
	return nil
}

// RecordRun writes in a batch with the runs that finish about the same
// time: one transaction, one sync to disk, for up to a thousand runs. (A
// batch that fails is rolled back and each write retried alone, so the
// write may run twice, each time in a transaction of its own.)
func (s *Bolt) RecordRun(_ context.Context, st JobState, run Run, keep int) error {
	return s.db.Batch(func(tx *bolt.Tx) error {
		if err := putJob(tx, st); err != nil {
			return err
		}
		runs, err := tx.Bucket(bucketRuns).CreateBucketIfNotExists([]byte(st.Name))
		if err != nil {
			return err
		}
		seq, err := runs.NextSequence()
		if err != nil {
			return err
		}
		v, err := encodeRun(run)
		if err != nil {
			return err
		}
		if err := runs.Put(seqKey(seq), v); err != nil {
			return fmt.Errorf("saving a run of job %q: %w", st.Name, err)
		}
		return trim(runs, seq, keep)
	})
}

func (s *Bolt) History(_ context.Context, job string, limit int) ([]Run, error) {
	var out []Run
	err := s.db.View(func(tx *bolt.Tx) error {
		runs := tx.Bucket(bucketRuns).Bucket([]byte(job))
		if runs == nil {
			return nil
		}
		c := runs.Cursor()
		for k, v := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
			r, err := decodeRun(binary.BigEndian.Uint64(k), v)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the history of job %q: %w", job, err)
	}
	return out, nil
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }
