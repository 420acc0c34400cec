package valuejson

import (
	"reflect"
	"testing"

	"github.com/jobbox/jobbox/abi"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	v, err := Decode([]byte(`{"b": [1, 2.5, "x", true, null], "a": {"n": -3}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := abi.Table{
		{Key: "a", Value: abi.Table{{Key: "n", Value: int64(-3)}}},
		{Key: "b", Value: []any{int64(1), 2.5, "x", true, nil}},
	}
	if !reflect.DeepEqual(v, want) {
		t.Fatalf("decoded %#v, want %#v", v, want)
	}
	b, err := Encode(v)
	if err != nil || string(b) != `{"a":{"n":-3},"b":[1,2.5,"x",true,null]}` {
		t.Fatalf("encoded %s, %v", b, err)
	}
}

func TestDecodeRefuses(t *testing.T) {
	t.Parallel()
	deep := make([]byte, 0, 200)
	for range abi.MaxDepth + 2 {
		deep = append(deep, '[')
	}
	for range abi.MaxDepth + 2 {
		deep = append(deep, ']')
	}
	for _, bad := range []string{`{"a": 1} 2`, `{`, string(deep)} {
		if v, err := Decode([]byte(bad)); err == nil {
			t.Errorf("%.20s: decoded %v", bad, v)
		}
	}
}

// FuzzDecode: whatever Decode accepts crosses the ABI, encodes, and decodes
// again to a value that encodes the same (2.0 may come back as 2).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x",true,null]}`, `[]`, `"s"`, `1e400`, `{"":{}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Decode(b)
		if err != nil {
			return
		}
		out, err := Encode(v)
		if err != nil {
			t.Fatalf("decoded %v, which does not encode: %v", v, err)
		}
		again, err := Decode(out)
		if err != nil {
			t.Fatalf("%s does not decode: %v", out, err)
		}
		if out2, err := Encode(again); err != nil || string(out2) != string(out) {
			t.Fatalf("%s encodes again as %s, %v", out, out2, err)
		}
		if _, err := abi.Encode(v); err != nil {
			t.Fatalf("decoded %v, which cannot cross the ABI: %v", v, err)
		}
	})
}
