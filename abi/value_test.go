package abi

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	cases := []any{
		nil, true, false, int64(0), int64(-1), int64(math.MaxInt64), int64(math.MinInt64),
		0.5, math.Inf(-1), "", "héllo\x00", []any{}, []any{int64(1), "a", nil},
		Table{{Key: "k", Value: Table{{Key: int64(3), Value: []any{true}}}}},
	}
	for _, want := range cases {
		b, err := Encode(want)
		if err != nil {
			t.Fatalf("Encode(%#v): %v", want, err)
		}
		got, err := Decode(b)
		if err != nil {
			t.Fatalf("Decode(Encode(%#v)): %v", want, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip of %#v gave %#v", want, got)
		}
	}
}

func TestEncodeConveniences(t *testing.T) {
	t.Parallel()
	b, err := Encode(map[string]any{"b": 2, "a": []string{"x"}, "c": uint64(math.MaxUint64)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	want := Table{
		{Key: "a", Value: []any{"x"}},
		{Key: "b", Value: int64(2)},
		{Key: "c", Value: float64(math.MaxUint64)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v, want %#v", got, want)
	}
	if _, err := Encode(struct{}{}); err == nil {
		t.Fatal("encoding a struct should fail")
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	deep := bytes.Repeat([]byte{TagList, 1}, MaxDepth+2)
	deep = append(deep, TagNil)
	cases := map[string][]byte{
		"empty":             {},
		"unknown tag":       {0x7f},
		"truncated float":   {TagFloat, 1, 2},
		"huge string count": {TagString, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"huge list count":   {TagList, 0xff, 0xff, 0xff, 0xff, 0x0f, TagNil},
		"trailing bytes":    {TagNil, TagNil},
		"too deep":          deep,
		"overlong varint":   {TagInt, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
	}
	for name, b := range cases {
		if _, err := Decode(b); !errors.Is(err, ErrDecode) {
			t.Errorf("%s: Decode(%x) = %v, want ErrDecode", name, b, err)
		}
	}
}

func TestResultPacking(t *testing.T) {
	t.Parallel()
	c, n := UnpackResult(PackResult(CodeNotGranted, 1<<31+5))
	if c != CodeNotGranted || n != 1<<31+5 {
		t.Fatalf("got %v %d", c, n)
	}
}

// FuzzDecode checks that no input makes the decoder panic or allocate beyond
// its input, and that whatever decodes re-encodes to the same bytes.
func FuzzDecode(f *testing.F) {
	for _, v := range []any{nil, int64(-7), 1.5, "s", []any{"a", Table{{Key: "k", Value: true}}}} {
		b, _ := Encode(v)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Decode(b)
		if err != nil {
			return
		}
		again, err := Encode(v)
		if err != nil {
			t.Fatalf("re-encoding %#v: %v", v, err)
		}
		v2, err := Decode(again)
		if err != nil || !reflect.DeepEqual(v, v2) && !hasNaN(v) {
			t.Fatalf("re-decoding gave %#v, %v; want %#v", v2, err, v)
		}
	})
}

func hasNaN(v any) bool {
	switch x := v.(type) {
	case float64:
		return x != x
	case []any:
		for _, e := range x {
			if hasNaN(e) {
				return true
			}
		}
	case Table:
		for _, f := range x {
			if hasNaN(f.Key) || hasNaN(f.Value) {
				return true
			}
		}
	}
	return false
}
