package modules

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/modules/options"
	"github.com/jobbox/jobbox/host/store"
)

// idKey is the field that identifies a data object, as Coronium's Mongo
// documents do. The store keys each document by it too, so documents saved
// before jobbox used this name (with an "id" field) are still found: the
// store's key is the id, whatever the document holds.
const idKey = "_id"

// dataModule is core.data: documents in the host's store.
type dataModule struct {
	opts      options.Data
	documents store.Documents
}

func newDataModule(set options.Set, s shared) coreModule {
	return &dataModule{opts: set.Data, documents: s.documents}
}

// call serves core.data(name):METHOD(...). The guest passes the collection
// name first: [collection, args...]; "collection" just checks the grant.
func (m *dataModule) call(ctx context.Context, r *run, method string, a args) ([]any, error) {
	if len(r.grants.Data) == 0 {
		return nil, r.notGranted("core.data")
	}
	name, err := a.string(0, "core.data's collection name")
	if err != nil {
		return nil, err
	}
	if !slices.Contains(r.grants.Data, name) {
		return nil, r.notGranted("core.data collection %q", name)
	}
	if m.documents == nil {
		return failure(errors.New("core.data: this host has no document store")), nil
	}
	a = a[1:]
	switch method {
	case "collection":
		return ok(true), nil
	case "save":
		return m.save(ctx, name, a)
	case "get":
		return m.get(ctx, name, a)
	case "delete":
		return m.deleteDocument(ctx, name, a)
	case "getPage":
		return m.getPage(ctx, name, a)
	}
	return nil, fmt.Errorf("core.data has no method %q", method)
}

// save stores an object under its _id, or under a new one, and returns
// the id.
func (m *dataModule) save(ctx context.Context, name string, a args) ([]any, error) {
	obj, err := a.table(0, "core.data save's object")
	if err != nil {
		return nil, err
	}
	id, _ := obj.Get(idKey).(string)
	if id == "" {
		id = newID()
	}
	b, err := abi.Encode(withID(obj, id))
	if err != nil {
		return nil, err
	}
	if len(b) > int(m.opts.MaxDocumentBytes.Bytes()) {
		return failure(fmt.Errorf("core.data: the object is %d bytes, more than the %d an object may have", len(b), int(m.opts.MaxDocumentBytes.Bytes()))), nil
	}
	if err := m.documents.SaveDocument(ctx, name, id, b, m.opts.MaxCollectionDocuments); err != nil {
		return failure(fmt.Errorf("core.data: collection %q: %w", name, err)), nil
	}
	return ok(id), nil
}

// withID is obj with _id = id as its first field and no other _id.
func withID(obj abi.Table, id string) abi.Table {
	out := make(abi.Table, 0, len(obj)+1)
	out = append(out, abi.Field{Key: idKey, Value: id})
	for _, f := range obj {
		if f.Key != idKey {
			out = append(out, f)
		}
	}
	return out
}

// decodeObject reads a stored document as the object a job sees: its
// fields, with _id set to the store's key (documents saved by older
// versions kept it as "id", which stays as it was).
func decodeObject(id string, doc []byte) (abi.Table, error) {
	v, err := abi.Decode(doc)
	if err != nil {
		return nil, fmt.Errorf("the stored object %s cannot be read: %w", id, err)
	}
	t, _ := v.(abi.Table)
	return withID(t, id), nil
}

// get returns the object with an id, or the first that matches a query.
func (m *dataModule) get(ctx context.Context, name string, a args) ([]any, error) {
	id, isID := a.at(0).(string)
	query, err := abi.Table(nil), error(nil)
	if !isID {
		if query, err = a.table(0, "core.data get's id or query"); err != nil {
			return nil, err
		}
		id, isID = query.Get(idKey).(string)
		isID = isID && len(query) == 1
	}
	if isID {
		doc, err := m.documents.Document(ctx, name, id)
		if err != nil || doc == nil {
			return failure(errOr(err, "core.data: no object with _id "+id)), nil
		}
		obj, err := decodeObject(id, doc)
		if err != nil {
			return nil, err
		}
		return ok(obj), nil
	}
	found, err := scan(ctx, m.documents, name, false, query, 0, 1)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return failure(errors.New("core.data: no object matches the query")), nil
	}
	return ok(found[0]), nil
}

// deleteDocument removes the object with an id, or with the _id of the
// object given, and returns true.
func (m *dataModule) deleteDocument(ctx context.Context, name string, a args) ([]any, error) {
	id, _ := a.at(0).(string)
	if t, isObj := a.at(0).(abi.Table); isObj {
		id, _ = t.Get(idKey).(string)
	}
	if id == "" {
		return nil, errors.New("core.data delete needs an id string or an object with an _id field")
	}
	found, err := m.documents.DeleteDocument(ctx, name, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return failure(errors.New("core.data: no object with _id " + id)), nil
	}
	return ok(true), nil
}

// newID returns a time-ordered UUID (version 7), so documents sort in the
// order they were created.
func newID() string {
	now := time.Now()
	var u [16]byte
	binary.BigEndian.PutUint64(u[:8], uint64(now.UnixMilli())<<16)
	// The 12 bits after the milliseconds order ids within one (RFC 9562,
	// method 3); the rest is random.
	frac := uint16(uint64(now.Nanosecond()%1e6) * 4096 / 1e6)
	u[6], u[7] = 0x70|byte(frac>>8), byte(frac)
	_, _ = rand.Read(u[8:])
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func errOr(err error, msg string) error {
	if err != nil {
		return err
	}
	return errors.New(msg)
}
