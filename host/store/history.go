package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

var _ RunPages = (*Bolt)(nil)

// Runs reads a page of a job's history: a cursor seek to the page's
// start, then one step per run, whatever the history's length.
func (s *Bolt) Runs(_ context.Context, job string, page Page) ([]Run, uint64, error) {
	var out []Run
	var next uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		runs := tx.Bucket(bucketRuns).Bucket([]byte(job))
		if runs == nil {
			return nil
		}
		var err error
		next, err = readPage(runs, page, func(id uint64, v []byte) error {
			r, err := decodeRun(id, v)
			out = append(out, r)
			return err
		})
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("reading the history of job %q: %w", job, err)
	}
	return out, next, nil
}

func decodeRun(id uint64, v []byte) (Run, error) {
	var r Run
	if err := json.Unmarshal(v, &r); err != nil {
		return r, fmt.Errorf("run %d: %w", id, err)
	}
	r.ID = id // its key; records written before encodeRun hold it too
	r.Trigger = r.TriggerName()
	return r, nil
}

// encodeRun is a history record as stored. It leaves out the run's ID,
// which is its key, and the trigger of a scheduled run, which an empty one
// means (Run.TriggerName): a record is written at every run, and its bytes
// are what each batch's transaction copies and syncs.
func encodeRun(r Run) ([]byte, error) {
	r.ID = 0
	if r.Trigger == triggerSchedule {
		r.Trigger = ""
	}
	return json.Marshal(r)
}

// readPage calls fn for up to page.limit() records of b (keyed by
// seqKey) below page.Before, newest first, and returns the next page's
// Before: 0 when no older record is left.
func readPage(b *bolt.Bucket, page Page, fn func(id uint64, v []byte) error) (uint64, error) {
	c := b.Cursor()
	var k, v []byte
	if page.Before == 0 {
		k, v = c.Last()
	} else if k, v = c.Seek(seqKey(page.Before)); k == nil {
		k, v = c.Last() // every key is below Before
	} else {
		k, v = c.Prev() // Seek found Before, or the first key above it
	}
	var n int
	var last uint64
	for ; k != nil && n < page.limit(); k, v = c.Prev() {
		if len(k) != 8 {
			continue
		}
		last = binary.BigEndian.Uint64(k)
		if err := fn(last, v); err != nil {
			return 0, err
		}
		n++
	}
	if k == nil {
		return 0, nil
	}
	return last, nil
}
