package store

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

var (
	_ AuditLog = (*Bolt)(nil)

	bucketAudit = []byte("audit")
)

// AppendAudit adds e to the audit log under the next ID, which it returns,
// and drops the entries that fall out of the last keep.
func (s *Bolt) AppendAudit(_ context.Context, e AuditEntry, keep int) (uint64, error) {
	var id uint64
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketAudit)
		if err != nil {
			return err
		}
		if id, err = b.NextSequence(); err != nil {
			return err
		}
		e.ID = id
		v, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if err := b.Put(seqKey(id), v); err != nil {
			return err
		}
		return trim(b, id, keep)
	})
	if err != nil {
		return 0, fmt.Errorf("writing the audit log: %w", err)
	}
	return id, nil
}

// Audit reads a page of the audit log, newest first.
func (s *Bolt) Audit(_ context.Context, page Page) ([]AuditEntry, uint64, error) {
	var out []AuditEntry
	var next uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		if b == nil {
			return nil // a store from before the audit log
		}
		var err error
		next, err = readPage(b, page, func(id uint64, v []byte) error {
			var e AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("entry %d: %w", id, err)
			}
			out = append(out, e)
			return nil
		})
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("reading the audit log: %w", err)
	}
	return out, next, nil
}

// trim deletes the keys of b below seq-keep+1, the oldest first: once the
// window is full, one per write.
func trim(b *bolt.Bucket, seq uint64, keep int) error {
	if keep <= 0 || seq <= uint64(keep) {
		return nil
	}
	cutoff := string(seqKey(seq - uint64(keep) + 1))
	c := b.Cursor()
	for k, _ := c.First(); k != nil && string(k) < cutoff; k, _ = c.Next() {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}
