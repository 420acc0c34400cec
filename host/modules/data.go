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

// save stores a document under its id, or under a new one, and returns
// the id.
func (m *dataModule) save(ctx context.Context, name string, a args) ([]any, error) {
	doc, err := a.table(0, "core.data save's document")
	if err != nil {
		return nil, err
	}
	id, _ := doc.Get("id").(string)
	if id == "" {
		id = newID()
		doc = append(abi.Table{{Key: "id", Value: id}}, doc...)
	}
	b, err := abi.Encode(doc)
	if err != nil {
		return nil, err
	}
	if len(b) > int(m.opts.MaxDocumentBytes.Bytes()) {
		return failure(fmt.Errorf("core.data: the document is %d bytes, more than the %d a document may have", len(b), m.opts.MaxDocumentBytes.Bytes())), nil
	}
	if err := m.documents.SaveDocument(ctx, name, id, b, m.opts.MaxCollectionDocuments); err != nil {
		return failure(fmt.Errorf("core.data: collection %q: %w", name, err)), nil
	}
	return ok(id), nil
}

// get returns the document with an id, or the first that matches a query.
func (m *dataModule) get(ctx context.Context, name string, a args) ([]any, error) {
	if id, isID := a.at(0).(string); isID {
		doc, err := m.documents.Document(ctx, name, id)
		if err != nil || doc == nil {
			return failure(errOr(err, "core.data: no document with id "+id)), nil
		}
		v, err := abi.Decode(doc)
		if err != nil {
			return nil, err
		}
		return ok(v), nil
	}
	query, err := a.table(0, "core.data get's id or query")
	if err != nil {
		return nil, err
	}
	found, err := scan(ctx, m.documents, name, false, query, 0, 1)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return failure(errors.New("core.data: no document matches")), nil
	}
	return ok(found[0]), nil
}

// deleteDocument removes the document with an id, or with the id of the
// document given.
func (m *dataModule) deleteDocument(ctx context.Context, name string, a args) ([]any, error) {
	id, _ := a.at(0).(string)
	if t, ok := a.at(0).(abi.Table); ok {
		id, _ = t.Get("id").(string)
	}
	if id == "" {
		return nil, errors.New("core.data delete needs an id or a document with an id")
	}
	found, err := m.documents.DeleteDocument(ctx, name, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return failure(errors.New("core.data: no document with id " + id)), nil
	}
	return ok(true), nil
}

// getPage returns one page of the documents that match a query, in id
// order or, with "DESC", its reverse.
func (m *dataModule) getPage(ctx context.Context, name string, a args) ([]any, error) {
	page, perPage := intArg(a.at(0), 1), intArg(a.at(1), 20)
	if page < 1 || perPage < 1 || perPage > 1000 {
		return nil, errors.New("core.data getPage needs page >= 1 and perPage from 1 to 1000")
	}
	descending := a.at(2) == "DESC"
	query, err := a.table(3, "core.data getPage's query")
	if err != nil {
		return nil, err
	}
	found, err := scan(ctx, m.documents, name, descending, query, (page-1)*perPage, perPage)
	if err != nil {
		return nil, err
	}
	return ok(found), nil
}

// scan returns up to n documents matching query after skipping skip. It
// stops when the run's deadline passes or the documents found pass the
// bytes the run has left.
func scan(ctx context.Context, docs store.Documents, collection string, descending bool, query abi.Table, skip, n int) ([]any, error) {
	found := []any{}
	b := budgetOf(ctx)
	var stop error
	err := docs.ScanDocuments(ctx, collection, descending, func(_ string, doc []byte) bool {
		if ctx.Err() != nil {
			stop = deadlineError(ctx)
			return false
		}
		v, err := abi.Decode(doc)
		if err != nil {
			stop = err
			return false
		}
		t, _ := v.(abi.Table)
		if !matches(t, query) {
			return true
		}
		if skip > 0 {
			skip--
			return true
		}
		if stop = b.take(len(doc)); stop != nil {
			return false
		}
		found = append(found, t)
		return len(found) < n
	})
	if err = errors.Join(err, stop); err != nil {
		return nil, fmt.Errorf("core.data: collection %q: %w", collection, err)
	}
	return found, nil
}

// matches reports whether doc has every field of query with an equal
// scalar value.
func matches(doc, query abi.Table) bool {
	for _, f := range query {
		switch f.Value.(type) {
		case nil, bool, int64, float64, string: // comparable
		default:
			return false
		}
		switch v := doc.Get(keyOf(f)); v.(type) {
		case nil, bool, int64, float64, string:
			if v != f.Value {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func intArg(v any, def int) int {
	switch n := v.(type) {
	case int64:
		return int(n)
	case float64:
		return int(n)
	}
	return def
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
