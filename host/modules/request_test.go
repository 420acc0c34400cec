package modules

import (
	"strings"
	"testing"

	"github.com/jobbox/jobbox/abi"
)

func TestRequestOf(t *testing.T) {
	t.Parallel()
	headers := abi.Table{{Key: "X-Token", Value: "t"}}
	for _, c := range []struct {
		method string
		a      args
		want   httpRequest
		err    string
	}{
		{"get", args{"u"}, httpRequest{method: "GET", url: "u"}, ""},
		{"getJson", args{"u", abi.Table{{Key: "headers", Value: headers}}}, httpRequest{method: "GET", url: "u", headers: headers}, ""},
		{"request", args{"u", abi.Table{{Key: "method", Value: "put"}, {Key: "body", Value: "b"}}}, httpRequest{method: "PUT", url: "u", body: "b"}, ""},
		{"post", args{"u", "a=1"}, httpRequest{method: "POST", url: "u", body: "a=1", contentType: "application/x-www-form-urlencoded"}, ""},
		{"postJson", args{"u", abi.Table{{Key: "a", Value: int64(1)}}}, httpRequest{method: "POST", url: "u", body: `{"a":1}`, contentType: "application/json"}, ""},
		{"post", args{"u", int64(1)}, httpRequest{}, "core.network.post's body must be a string"},
		{"get", args{"u", "x"}, httpRequest{}, "core.network.get's headers must be a table"},
		{"delete", args{"u"}, httpRequest{}, `core.network has no method "delete"`},
	} {
		got, err := requestOf(c.method, "u", c.a)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s%v: error %v, want one containing %q", c.method, c.a, err, c.err)
			}
			continue
		}
		if err != nil || got.method != c.want.method || got.url != c.want.url || got.body != c.want.body || got.contentType != c.want.contentType || len(got.headers) != len(c.want.headers) {
			t.Errorf("%s%v = %+v, %v; want %+v", c.method, c.a, got, err, c.want)
		}
	}
}
