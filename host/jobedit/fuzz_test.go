package jobedit

import (
	"os"
	"reflect"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// FuzzEditTable rewrites a job's table of a config full of comments with
// arbitrary job names, keys and values (the user's bytes), in place or
// anew, and checks that the file parses to exactly the fields given,
// with every other job as it was and every byte outside the table kept.
func FuzzEditTable(f *testing.F) {
	site, err := os.ReadFile("testdata/site/config.toml")
	if err != nil {
		f.Fatal(err)
	}
	// Forms an edit in place leaves to a rewrite, and quoting it keeps.
	weird := []byte("[[jobs]]\nname = \"w\"\nlimits.memory = \"1MiB\"   # dotted\ngrants = { data = [\"x\"] }\n" +
		"[[ jobs ]]\n\"name\" = \"q\"\nfile = \"\"\"jobs/q.lua\"\"\"\ninterval = 5 # c\n[jobs.\"limits\"]\ntimeout = \"1s\"\n\n" +
		"[ jobs . grants ]  # spaced\ndata = [\n  \"a\",  # one\n]\n[[jobs]]\nname='z'")
	f.Add("beta", "colour", "red", int64(5), true, 1)
	f.Add("a b\"c", "key with \"quotes\"\n", "line\nbreak\t\x00\x7f", int64(-1), false, 0)
	f.Add("é", "", "]]\n[[jobs]]\nname = 'x'", int64(1)<<62, true, 2)
	f.Add("x", "limits", "#", int64(0), false, 1)
	f.Add("x", "a.b", "'''", int64(0), false, 2)
	f.Add("\xff", "k", "v", int64(0), false, 0)
	f.Add("beta", "memory", "32MiB", int64(60), false, 1)
	f.Add("w", "memory", "1MiB", int64(5), false, -3)
	f.Add("q", "timeout", "1s", int64(5), true, -1)
	f.Add("z", "data", "a", int64(4), true, -2)
	f.Fuzz(func(t *testing.T, name, key, val string, n int64, b bool, job int) {
		fields := Fields{"name": name, "file": "jobs/beta.lua", "interval": n}
		fields[key] = val
		if n%3 != 0 {
			fields["limits"] = map[string]any{key: b, "list": []any{val, n, b}}
		}
		data := site
		if job < 0 {
			data = weird
		}
		job = (job%3 + 3) % 3
		spans, err := jobSpans(data)
		if err != nil || len(spans) != 3 {
			t.Fatalf("spans %v, %v", spans, err)
		}
		sp := spans[job]
		r, err := rewrite(data[sp.start:sp.end], tableFields(data[sp.start:sp.end]), fields, "\n")
		if err != nil {
			return // invalid UTF-8: refused, as it should be
		}
		cand := splice(data, sp, r.text)
		var before, after struct {
			Jobs []map[string]any `toml:"jobs"`
		}
		_ = toml.Unmarshal(data, &before)
		if err := toml.Unmarshal(cand, &after); err != nil {
			t.Fatalf("the edited file does not parse: %v\n%s", err, r.text)
		}
		want := before.Jobs
		want[job] = fields
		if !reflect.DeepEqual(after.Jobs, want) {
			t.Fatalf("the edited file reads\n%#v\nnot\n%#v\n%s", after.Jobs, want, r.text)
		}
		again, err := jobSpans(cand)
		if err != nil || len(again) != 3 || again[job].start != sp.start || again[job].end > sp.start+len(r.text) {
			t.Fatalf("the new table is at %v, not where it was written", again)
		}
		if string(cand[:sp.start]) != string(data[:sp.start]) || string(cand[sp.start+len(r.text):]) != string(data[sp.end:]) {
			t.Fatal("bytes outside the job's table changed")
		}
	})
}

// FuzzSpans finds the job tables of arbitrary bytes: it must not panic,
// and the spans it returns lie in order inside the data.
func FuzzSpans(f *testing.F) {
	for _, p := range []string{"testdata/site/config.toml", "testdata/site/conf.d/one.toml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("[[jobs]]\r\nname = \"x\"\r\n[jobs.limits]\r\n"))
	f.Add([]byte("[[jobs]]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		spans, err := jobSpans(data)
		if err != nil {
			return
		}
		end := 0
		for _, s := range spans {
			if s.start < end || s.end < s.start || s.end > len(data) {
				t.Fatalf("spans %v out of order or bounds (%d bytes)", spans, len(data))
			}
			end = s.end
			d := deletion(data, s)
			if d.start > s.start || d.end < s.end || d.start < 0 || d.end > len(data) {
				t.Fatalf("deletion %v of %v", d, s)
			}
		}
	})
}
