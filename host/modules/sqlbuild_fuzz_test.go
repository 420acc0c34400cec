package modules

import (
	"strings"
	"testing"

	"github.com/jobbox/jobbox/abi"
)

// FuzzBuild feeds build option tables decoded from arbitrary bytes, as a
// guest could send them: it must never panic, and a statement it makes
// has one parameter per placeholder outside a string where (which is the
// job's own SQL) and no value in its text.
func FuzzBuild(f *testing.F) {
	for _, opts := range []abi.Table{
		tbl("tbl", "toys", "where", []any{tbl("color", "Red", "model", "Ford"), tbl("kind", []any{"Truck", "Car"})}),
		tbl("tbl", "toys", "values", tbl("color", "NULL", "n", int64(3)), "where", tbl("id", int64(2))),
		tbl("tbl", "toys", "column", "id", "where", tbl("x", "it's")),
		tbl("tbl", "toys", "limit", []any{int64(5), int64(10)}, "orderby", tbl("id", "DESC"), "columns", []any{"id"}),
		tbl("tbl", "toys", "force", true),
	} {
		b, err := abi.Encode(opts)
		if err != nil {
			f.Fatal(err)
		}
		f.Add("select", b)
		f.Add("update", b)
	}
	f.Fuzz(func(t *testing.T, method string, b []byte) {
		v, err := abi.Decode(b)
		if err != nil {
			return
		}
		opts, ok := v.(abi.Table)
		if !ok {
			return
		}
		st, err := build(method, opts)
		if err != nil {
			return
		}
		if _, isString := opts.Get("where").(string); isString {
			return
		}
		if n := strings.Count(st.sql, "?"); n != len(st.args) {
			t.Fatalf("%q has %d placeholders for %d args", st.sql, n, len(st.args))
		}
		if strings.ContainsAny(st.sql, "'\"\\;") {
			t.Fatalf("%q holds a quote, backslash or semicolon", st.sql)
		}
	})
}
