package modules

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/store"
)

// maxPerPage bounds getPage's perPage.
const maxPerPage = 1000

// pageQuery is what getPage asks for.
type pageQuery struct {
	page, perPage int
	descending    bool      // the sort constant: by _id, which is creation order
	sortBy        abi.Table // a sorting table: field = core.ASC | core.DESC
	query         abi.Table
}

// pageArgs reads both shapes of getPage that data.md shows: the signature
// getPage(page, perPage, sort, query) and the example getPage(query, page,
// perPage) — a table first is the query.
func pageArgs(a args) (pageQuery, error) {
	var p pageQuery
	page, perPage, sort, query := a.at(0), a.at(1), a.at(2), a.at(3)
	switch a.at(0).(type) {
	case abi.Table, []any:
		query, page, perPage, sort = a.at(0), a.at(1), a.at(2), a.at(3)
	}
	var err error
	if p.query, err = (args{query}).table(0, "core.data getPage's query"); err != nil {
		return p, err
	}
	p.page, p.perPage = intArg(page, 1), intArg(perPage, 20)
	if p.page < 1 || p.perPage < 1 || p.perPage > maxPerPage {
		return p, fmt.Errorf("core.data getPage needs a page number from 1 and perPage from 1 to %d", maxPerPage)
	}
	switch s := sort.(type) {
	case nil:
	case abi.Table:
		for _, f := range s {
			if _, err := direction(f.Value); err != nil {
				return p, fmt.Errorf("core.data getPage's sort of %v: %w", f.Key, err)
			}
		}
		p.sortBy = s
	default:
		dir, err := direction(s)
		if err != nil {
			return p, fmt.Errorf("core.data getPage's sort: %w", err)
		}
		p.descending = dir < 0
	}
	return p, nil
}

// direction reads a sort constant: core.ASC or core.DESC (also Mongo's 1
// and -1).
func direction(v any) (int, error) {
	switch x := v.(type) {
	case string:
		switch strings.ToUpper(x) {
		case "ASC":
			return 1, nil
		case "DESC":
			return -1, nil
		}
	case int64:
		if x == 1 || x == -1 {
			return int(x), nil
		}
	}
	return 0, fmt.Errorf("%v is not core.ASC or core.DESC", v)
}

// getPage returns one page of the objects that match a query, in _id
// (creation) order or its reverse, or in the order of a sorting table.
func (m *dataModule) getPage(ctx context.Context, name string, a args) ([]any, error) {
	p, err := pageArgs(a)
	if err != nil {
		return nil, err
	}
	skip := (p.page - 1) * p.perPage
	var found []any
	if len(p.sortBy) == 0 {
		found, err = scan(ctx, m.documents, name, p.descending, p.query, skip, p.perPage)
	} else {
		found, err = sortedPage(ctx, m.documents, name, p, skip)
	}
	if err != nil {
		return nil, err
	}
	return ok(found), nil
}

// scan returns up to n objects matching query after skipping skip. It
// stops when the run's deadline passes or the objects found pass the
// bytes the run has left.
func scan(ctx context.Context, docs store.Documents, collection string, descending bool, query abi.Table, skip, n int) ([]any, error) {
	found := []any{}
	b := budgetOf(ctx)
	err := scanMatches(ctx, docs, collection, descending, query, func(_ string, obj abi.Table, doc []byte) (bool, error) {
		if skip > 0 {
			skip--
			return true, nil
		}
		if err := b.take(len(doc)); err != nil {
			return false, err
		}
		found = append(found, obj)
		return len(found) < n, nil
	})
	if err != nil {
		return nil, err
	}
	return found, nil
}

// scanMatches calls each with every object of collection that matches
// query, in id order (descending: reversed), until each says no more or
// fails. It stops when the run's deadline passes.
func scanMatches(ctx context.Context, docs store.Documents, collection string, descending bool, query abi.Table,
	each func(id string, obj abi.Table, doc []byte) (bool, error)) error {
	var stop error
	err := docs.ScanDocuments(ctx, collection, descending, func(id string, doc []byte) bool {
		if ctx.Err() != nil {
			stop = deadlineError(ctx)
			return false
		}
		obj, err := decodeObject(id, doc)
		if err != nil {
			stop = err
			return false
		}
		if !matches(obj, query) {
			return true
		}
		more, err := each(id, obj, doc)
		stop = err
		return more && err == nil
	})
	if err = errors.Join(err, stop); err != nil {
		return fmt.Errorf("core.data: collection %q: %w", collection, err)
	}
	return nil
}

// sortedPage orders the matching objects by a sorting table: it keeps
// only each match's id and sort values while it scans, then reads the
// page's objects.
func sortedPage(ctx context.Context, docs store.Documents, collection string, p pageQuery, skip int) ([]any, error) {
	type entry struct {
		id   string
		keys []any
	}
	var entries []entry
	err := scanMatches(ctx, docs, collection, false, p.query, func(id string, obj abi.Table, _ []byte) (bool, error) {
		e := entry{id: id}
		for _, f := range p.sortBy {
			e.keys = append(e.keys, obj.Get(keyOf(f)))
		}
		entries = append(entries, e)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	dirs := make([]int, len(p.sortBy)) // pageArgs checked them
	for i, f := range p.sortBy {
		dirs[i], _ = direction(f.Value)
	}
	slices.SortStableFunc(entries, func(x, y entry) int {
		for i, dir := range dirs {
			if c := compareValues(x.keys[i], y.keys[i]); c != 0 {
				return c * dir
			}
		}
		return 0
	})
	found := []any{}
	b := budgetOf(ctx)
	for _, e := range entries[min(skip, len(entries)):min(skip+p.perPage, len(entries))] {
		doc, err := docs.Document(ctx, collection, e.id)
		if err != nil || doc == nil {
			continue // deleted since the scan
		}
		obj, err := decodeObject(e.id, doc)
		if err != nil {
			return nil, err
		}
		if err := b.take(len(doc)); err != nil {
			return nil, fmt.Errorf("core.data: collection %q: %w", collection, err)
		}
		found = append(found, obj)
	}
	return found, nil
}

// compareValues orders values as Mongo's BSON order does for the types a
// job can store: nil, numbers, strings, tables, booleans.
func compareValues(x, y any) int {
	rank := func(v any) int {
		switch v.(type) {
		case nil:
			return 0
		case int64, float64:
			return 1
		case string:
			return 2
		case bool:
			return 4
		}
		return 3
	}
	if c := cmp.Compare(rank(x), rank(y)); c != 0 {
		return c
	}
	switch a := x.(type) {
	case int64, float64:
		return cmp.Compare(number(a), number(y))
	case string:
		return strings.Compare(a, y.(string))
	case bool:
		return cmp.Compare(boolRank(a), boolRank(y.(bool)))
	}
	return 0
}

func number(v any) float64 {
	switch n := v.(type) {
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return 0
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// matches reports whether obj has every field of query with an equal
// scalar value (numbers compared by value).
func matches(obj, query abi.Table) bool {
	for _, f := range query {
		want, got := f.Value, obj.Get(keyOf(f))
		if !scalar(want) || !scalar(got) {
			return false
		}
		if rankEqual := compareValues(want, got) == 0; !rankEqual {
			return false
		}
	}
	return true
}

func scalar(v any) bool {
	switch v.(type) {
	case nil, bool, int64, float64, string:
		return true
	}
	return false
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
