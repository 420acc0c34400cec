package store

import (
	"context"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Documents is the document store behind core.data: collections of
// documents, each an opaque byte string under an id. Ids sort in creation
// order (the module makes them time-ordered), so a scan visits documents
// oldest first.
type Documents interface {
	// SaveDocument creates or replaces a document. Creating one in a
	// collection that already holds maxDocs fails with ErrCollectionFull.
	SaveDocument(ctx context.Context, collection, id string, doc []byte, maxDocs int) error
	// Document returns a document, or nil if there is none with that id.
	Document(ctx context.Context, collection, id string) ([]byte, error)
	// DeleteDocument deletes a document and reports whether there was one.
	DeleteDocument(ctx context.Context, collection, id string) (bool, error)
	// ScanDocuments calls fn for each document of a collection in id
	// order, ascending or descending, until fn returns false. doc is valid
	// only during the call.
	ScanDocuments(ctx context.Context, collection string, descending bool, fn func(id string, doc []byte) bool) error
}

// ErrCollectionFull is the error of creating a document in a full collection.
var ErrCollectionFull = errors.New("the collection is full")

var (
	_ Documents = (*Bolt)(nil)

	bucketData = []byte("data")
)

func (s *Bolt) SaveDocument(_ context.Context, collection, id string, doc []byte, maxDocs int) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		data, err := tx.CreateBucketIfNotExists(bucketData)
		if err != nil {
			return err
		}
		c, err := data.CreateBucketIfNotExists([]byte(collection))
		if err != nil {
			return err
		}
		if c.Get([]byte(id)) == nil {
			// The bucket's sequence counts its documents, so a save does
			// not walk the collection to count them.
			if c.Sequence() >= uint64(maxDocs) {
				return fmt.Errorf("%w: it holds %d documents, the limit", ErrCollectionFull, maxDocs)
			}
			if err := c.SetSequence(c.Sequence() + 1); err != nil {
				return err
			}
		}
		return c.Put([]byte(id), doc)
	})
}

func (s *Bolt) Document(_ context.Context, collection, id string) ([]byte, error) {
	var doc []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if c := collectionBucket(tx, collection); c != nil {
			doc = append([]byte(nil), c.Get([]byte(id))...)
			if len(doc) == 0 {
				doc = nil
			}
		}
		return nil
	})
	return doc, err
}

func (s *Bolt) DeleteDocument(_ context.Context, collection, id string) (bool, error) {
	var found bool
	err := s.db.Update(func(tx *bolt.Tx) error {
		c := collectionBucket(tx, collection)
		if c == nil || c.Get([]byte(id)) == nil {
			return nil
		}
		found = true
		if err := c.SetSequence(c.Sequence() - 1); err != nil {
			return err
		}
		return c.Delete([]byte(id))
	})
	return found, err
}

func (s *Bolt) ScanDocuments(_ context.Context, collection string, descending bool, fn func(id string, doc []byte) bool) error {
	return s.db.View(func(tx *bolt.Tx) error {
		c := collectionBucket(tx, collection)
		if c == nil {
			return nil
		}
		cur := c.Cursor()
		first, next := cur.First, cur.Next
		if descending {
			first, next = cur.Last, cur.Prev
		}
		for k, v := first(); k != nil; k, v = next() {
			if !fn(string(k), v) {
				return nil
			}
		}
		return nil
	})
}

func collectionBucket(tx *bolt.Tx, collection string) *bolt.Bucket {
	data := tx.Bucket(bucketData)
	if data == nil {
		return nil
	}
	return data.Bucket([]byte(collection))
}
