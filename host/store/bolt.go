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

// OpenBolt opens (creating if needed) the store file at path.
func OpenBolt(path string) (*Bolt, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the state directory: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("opening %s: %w (is the service already running?)", path, ErrLocked)
		}
		return nil, fmt.Errorf("opening the state store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketJobs, bucketRuns} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("preparing the state store %s: %w", path, err)
	}
	return &Bolt{db: db}, nil
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
		v, err := json.Marshal(run)
		if err != nil {
			return err
		}
		if err := runs.Put(seqKey(seq), v); err != nil {
			return fmt.Errorf("saving a run of job %q: %w", st.Name, err)
		}
		// Drop what falls out of the window: every key below seq-keep+1.
		if keep > 0 && seq > uint64(keep) {
			cutoff := seqKey(seq - uint64(keep) + 1)
			c := runs.Cursor()
			for k, _ := c.First(); k != nil && string(k) < string(cutoff); k, _ = c.Next() {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
		return nil
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
			var r Run
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("run %x: %w", k, err)
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
