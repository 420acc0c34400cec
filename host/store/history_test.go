package store

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func openTemp(t testing.TB) *Bolt {
	t.Helper()
	s, err := OpenBolt(filepath.Join(t.TempDir(), "jobbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestRunsPagesNewestFirst: pages walk the whole history newest first,
// each run once, and the last page says there is no next one.
func TestRunsPagesNewestFirst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, limit := range []int{1, 3, 7, 10, 11} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			t.Parallel()
			s := openTemp(t)
			for i := range 10 {
				at := start.Add(time.Duration(i) * time.Minute)
				run := Run{Job: "a", Due: at, Start: at.Add(time.Millisecond), End: at.Add(time.Second), Status: "OK",
					Trigger: "manual", Actor: fmt.Sprint("user", i), From: "127.0.0.1"}
				if err := s.RecordRun(ctx, JobState{Name: "a"}, run, 0); err != nil {
					t.Fatal(err)
				}
			}
			var got []Run
			page := Page{Limit: limit}
			for {
				runs, next, err := s.Runs(ctx, "a", page)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, runs...)
				if next == 0 {
					break
				}
				page.Before = next
			}
			if len(got) != 10 {
				t.Fatalf("pages of %d held %d runs, want 10", limit, len(got))
			}
			for i, r := range got {
				if r.ID != uint64(10-i) || r.Actor != fmt.Sprint("user", 9-i) || r.Lateness() != time.Millisecond {
					t.Fatalf("run %d of the pages: %+v", i, r)
				}
			}
		})
	}
}

// TestRunsPageAfterTrim: a cursor whose run fell out of the history window
// still leads to the runs older than it.
func TestRunsPageAfterTrim(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTemp(t)
	for range 10 {
		if err := s.RecordRun(ctx, JobState{Name: "a"}, Run{Job: "a", Status: "OK"}, 4); err != nil {
			t.Fatal(err)
		}
	}
	// Runs 7 to 10 are kept.
	for _, c := range []struct {
		before   uint64
		wantIDs  []uint64
		wantNext uint64
	}{{0, []uint64{10, 9}, 9}, {9, []uint64{8, 7}, 0}, {3, nil, 0}, {100, []uint64{10, 9}, 9}} {
		runs, next, err := s.Runs(ctx, "a", Page{Before: c.before, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		var ids []uint64
		for _, r := range runs {
			ids = append(ids, r.ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(c.wantIDs) || next != c.wantNext {
			t.Errorf("before %d: ids %v next %d; want %v next %d", c.before, ids, next, c.wantIDs, c.wantNext)
		}
	}
	if runs, next, err := s.Runs(ctx, "nobody", Page{}); err != nil || runs != nil || next != 0 {
		t.Errorf("a job without history: %v %d %v", runs, next, err)
	}
}

// TestOldRunRecordsRead: a run stored before IDs, due times and triggers
// reads as a scheduled run of unknown lateness, with its ID from its key.
func TestOldRunRecordsRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTemp(t)
	old := `{"job":"a","start":"2026-01-01T00:00:00Z","end":"2026-01-01T00:00:01Z","status":"ERROR","error":"boom","logs":["x"]}`
	err := s.db.Update(func(tx *bolt.Tx) error {
		runs, err := tx.Bucket(bucketRuns).CreateBucketIfNotExists([]byte("a"))
		if err != nil {
			return err
		}
		return runs.Put(seqKey(5), []byte(old))
	})
	if err != nil {
		t.Fatal(err)
	}
	runs, _, err := s.Runs(ctx, "a", Page{})
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %v, %v", runs, err)
	}
	r := runs[0]
	if r.ID != 5 || r.TriggerName() != "schedule" || r.Lateness() != 0 || r.Error != "boom" || r.Duration() != time.Second {
		t.Fatalf("old record read as %+v", r)
	}
	hist, err := s.History(ctx, "a", 0)
	if err != nil || len(hist) != 1 || hist[0].ID != 5 {
		t.Fatalf("History of an old record: %+v, %v", hist, err)
	}
}

// TestAuditAppendPageAndKeep: entries read back newest first, a page at a
// time, and the log keeps the last keep.
func TestAuditAppendPageAndKeep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTemp(t)
	if got, next, err := s.Audit(ctx, Page{}); err != nil || got != nil || next != 0 {
		t.Fatalf("an empty audit log: %v %d %v", got, next, err)
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 6 {
		e := AuditEntry{Time: at, Actor: "ann", From: "10.0.0.1", Action: "run-now", Job: fmt.Sprint("j", i), Before: "waiting", After: "started"}
		id, err := s.AppendAudit(ctx, e, 4)
		if err != nil || id != uint64(i+1) {
			t.Fatalf("append %d: id %d, %v", i, id, err)
		}
	}
	first, next, err := s.Audit(ctx, Page{Limit: 3})
	if err != nil || len(first) != 3 || first[0].Job != "j5" || first[2].Job != "j3" || next != 4 {
		t.Fatalf("first page %+v next %d %v", first, next, err)
	}
	rest, next, err := s.Audit(ctx, Page{Before: next, Limit: 3})
	if err != nil || len(rest) != 1 || rest[0].Job != "j2" || rest[0].ID != 3 || next != 0 {
		t.Fatalf("second page %+v next %d %v", rest, next, err)
	}
	if rest[0].Actor != "ann" || rest[0].From != "10.0.0.1" || !rest[0].Time.Equal(at) {
		t.Fatalf("entry read back as %+v", rest[0])
	}
}

// BenchmarkRunsPage reads the newest page and a deep page of a job with
// 100,000 runs kept: the cost is a seek plus the page, not the history.
func BenchmarkRunsPage(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b)
	err := s.db.Update(func(tx *bolt.Tx) error {
		runs, err := tx.Bucket(bucketRuns).CreateBucketIfNotExists([]byte("a"))
		if err != nil {
			return err
		}
		for i := range 100_000 {
			if err := runs.Put(seqKey(uint64(i+1)), []byte(`{"job":"a","status":"OK","start":"2026-01-01T00:00:00Z","end":"2026-01-01T00:00:00Z"}`)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, before := range []uint64{0, 1000} {
		b.Run(fmt.Sprint("before ", before), func(b *testing.B) {
			for b.Loop() {
				if runs, _, err := s.Runs(ctx, "a", Page{Before: before, Limit: 50}); err != nil || len(runs) != 50 {
					b.Fatal(len(runs), err)
				}
			}
		})
	}
}

// TestRunRecordsRoundTrip: what a run's record leaves out (its ID, which
// is its key, and a scheduled run's trigger) reads back as it was.
func TestRunRecordsRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTemp(t)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	in := []Run{
		{Job: "a", Start: at, End: at.Add(time.Second), Status: "OK", Due: at.Add(-time.Millisecond), Trigger: "schedule"},
		{Job: "a", Start: at, End: at.Add(time.Second), Status: "ERROR", Error: "boom", Due: at, Trigger: "manual", Actor: "ann", From: "127.0.0.1"},
	}
	for _, r := range in {
		if err := s.RecordRun(ctx, JobState{Name: "a"}, r, 10); err != nil {
			t.Fatal(err)
		}
	}
	runs, _, err := s.Runs(ctx, "a", Page{})
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs %v, %v", runs, err)
	}
	for i, r := range runs { // newest first
		want := in[len(in)-1-i]
		want.ID = uint64(len(in) - i)
		if fmt.Sprint(r) != fmt.Sprint(want) {
			t.Errorf("record %d reads back as %+v, want %+v", want.ID, r, want)
		}
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketRuns).Bucket([]byte("a")).Get(seqKey(1))
		if bytes.Contains(v, []byte(`"id"`)) || bytes.Contains(v, []byte(`"trigger"`)) {
			t.Errorf("stored %s", v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
