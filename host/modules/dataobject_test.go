package modules

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/store"
)

// boltRun is a run granted collection "c" of a fresh bbolt store.
func boltRun(t *testing.T) (*run, *store.Bolt) {
	t.Helper()
	s, err := store.OpenBolt(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return dataRun(t, s), s
}

func dataCall(t *testing.T, r *run, method string, a ...any) []any {
	t.Helper()
	res, err := r.Call(context.Background(), "data", method, append([]any{"c"}, a...))
	if err != nil {
		t.Fatalf("%s%v: %v", method, a, err)
	}
	return res
}

// TestDataObjectsByID: save returns the _id, get returns the object with
// its _id, saving it again updates it, delete takes the object or its id.
func TestDataObjectsByID(t *testing.T) {
	t.Parallel()
	r, _ := boltRun(t)
	id, _ := dataCall(t, r, "save", abi.Table{{Key: "name", Value: "Tim"}, {Key: "age", Value: int64(34)}})[0].(string)
	if id == "" {
		t.Fatal("save returned no id")
	}
	obj := dataCall(t, r, "get", id)[0].(abi.Table)
	if obj.String("_id") != id || obj.String("name") != "Tim" {
		t.Fatalf("get(%s) = %v", id, obj)
	}
	obj = append(obj, abi.Field{Key: "city", Value: "Oslo"})
	if again := dataCall(t, r, "save", obj)[0]; again != id {
		t.Errorf("saving the object again returned %v, want its _id %s", again, id)
	}
	if got := dataCall(t, r, "get", abi.Table{{Key: "city", Value: "Oslo"}})[0].(abi.Table); got.String("_id") != id || got.Get("age") != int64(34) {
		t.Errorf("get by query = %v", got)
	}
	if res := dataCall(t, r, "delete", obj); res[0] != true {
		t.Errorf("delete(obj) = %v", res)
	}
	if res := dataCall(t, r, "get", id); res[0] != nil || len(res) < 2 {
		t.Errorf("get after delete = %v, want nil, err", res)
	}
	if res := dataCall(t, r, "delete", id); res[0] != nil {
		t.Errorf("delete of a deleted id = %v, want nil, err", res)
	}
}

// TestDataReadsOlderDocuments: a document saved by an older jobbox, with
// its id in an "id" field, is found by that id and read with _id set.
func TestDataReadsOlderDocuments(t *testing.T) {
	t.Parallel()
	r, s := boltRun(t)
	old, _ := abi.Encode(abi.Table{{Key: "id", Value: "old-1"}, {Key: "greeting", Value: "hello"}})
	if err := s.SaveDocument(context.Background(), "c", "old-1", old, 100); err != nil {
		t.Fatal(err)
	}
	obj := dataCall(t, r, "get", "old-1")[0].(abi.Table)
	if obj.String("_id") != "old-1" || obj.String("id") != "old-1" || obj.String("greeting") != "hello" {
		t.Errorf("get of an older document = %v", obj)
	}
	page := dataCall(t, r, "getPage", int64(1))[0].([]any)
	if len(page) != 1 || page[0].(abi.Table).String("_id") != "old-1" {
		t.Errorf("getPage over an older document = %v", page)
	}
	if id := dataCall(t, r, "save", obj)[0]; id != "old-1" {
		t.Errorf("saving it again made %v, want it updated in place", id)
	}
}

// TestDataGetPageShapes: getPage(page, perPage, sort, query) as the
// signature reads, getPage(query, page, perPage) as the example writes,
// and a sorting table.
func TestDataGetPageShapes(t *testing.T) {
	t.Parallel()
	r, _ := boltRun(t)
	for i, name := range []string{"c", "a", "d", "b", "e"} {
		dataCall(t, r, "save", abi.Table{{Key: "name", Value: name}, {Key: "n", Value: int64(i)}, {Key: "odd", Value: i%2 == 1}})
	}
	names := func(res []any) string {
		var s []string
		for _, o := range res[0].([]any) {
			s = append(s, o.(abi.Table).String("name"))
		}
		return fmt.Sprint(s)
	}
	for _, c := range []struct {
		a    []any
		want string
	}{
		{[]any{int64(1)}, "[c a d b e]"},
		{[]any{int64(2), int64(2)}, "[d b]"},
		{[]any{int64(1), int64(2), "DESC"}, "[e b]"},
		{[]any{int64(1), int64(10), "ASC", abi.Table{{Key: "odd", Value: true}}}, "[a b]"},
		{[]any{abi.Table{}, int64(1), int64(3)}, "[c a d]"},
		{[]any{abi.Table{{Key: "odd", Value: false}}, int64(1), int64(10)}, "[c d e]"},
		{[]any{int64(1), int64(3), abi.Table{{Key: "name", Value: "ASC"}}}, "[a b c]"},
		{[]any{int64(2), int64(3), abi.Table{{Key: "name", Value: "DESC"}}}, "[b a]"},
		{[]any{int64(1), int64(10), abi.Table{{Key: "odd", Value: int64(-1)}, {Key: "n", Value: int64(1)}}, abi.Table{}}, "[a b c d e]"},
	} {
		if got := names(dataCall(t, r, "getPage", c.a...)); got != c.want {
			t.Errorf("getPage%v = %s, want %s", c.a, got, c.want)
		}
	}
	if _, err := r.Call(context.Background(), "data", "getPage", []any{"c", int64(1), int64(10), "sideways"}); err == nil {
		t.Error("getPage with an unknown sort constant did not fail")
	}
}
