package modules

import (
	"testing"

	"github.com/jobbox/jobbox/abi"
)

// FuzzGuestArgs: whatever values a guest passes, the readers of
// core.network's, core.email's and core.data's arguments return an error
// or a result, and never panic.
func FuzzGuestArgs(f *testing.F) {
	seeds := []any{
		[]any{"https://a.test", abi.Table{{Key: "X", Value: "y"}}},
		[]any{[]any{abi.Table{{Key: "path", Value: "/p"}, {Key: "method", Value: "POST"}, {Key: "headers", Value: abi.Table{{Key: "A", Value: int64(1)}}}}}, "https://a.test"},
		[]any{abi.Table{}, int64(1), int64(10), abi.Table{{Key: "name", Value: "DESC"}}},
		[]any{int64(2), int64(5), "ASC", abi.Table{{Key: "k", Value: true}}},
		[]any{abi.Table{{Key: "from", Value: "a@x.com"}, {Key: "to", Value: []any{"b@x.com", int64(3)}}, {Key: "testMode", Value: true}}},
	}
	for _, s := range seeds {
		b, err := abi.Encode(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := abi.Decode(b)
		if err != nil {
			return
		}
		list, _ := v.([]any)
		a := args(list)
		for _, m := range []string{"request", "get", "getJson", "post", "postJson"} {
			_, _ = requestOf(m, "https://a.test", a)
		}
		_, _ = pipelineRequests(a.at(0), "https://a.test")
		if p, err := pageArgs(a); err == nil {
			for _, f := range p.sortBy {
				_ = compareValues(f.Value, a.at(0))
			}
		}
		if t, ok := a.at(0).(abi.Table); ok {
			_, _ = parseMessage(t)
			_ = matches(t, t)
		}
	})
}
