package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBoltRoundTripAndHistoryWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "jobbox.db")
	s, err := OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 7 {
		st := JobState{Name: "a", LastStatus: "OK", Runs: int64(i + 1), LastRun: start.Add(time.Duration(i) * time.Minute)}
		run := Run{Job: "a", Start: st.LastRun, End: st.LastRun.Add(time.Millisecond), Status: "OK", Logs: []string{fmt.Sprint(i)}}
		if err := s.RecordRun(ctx, st, run, 3); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveJob(ctx, JobState{Name: "b", Deactivated: true, Reason: ReasonError, LastError: "boom"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Everything survives a reopen.
	s, err = OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	jobs, err := s.Jobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if jobs["a"].Runs != 7 || !jobs["b"].Deactivated || jobs["b"].LastError != "boom" {
		t.Fatalf("states after reopen: %+v", jobs)
	}
	hist, err := s.History(ctx, "a", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 || hist[0].Logs[0] != "6" || hist[2].Logs[0] != "4" {
		t.Fatalf("history kept %d runs: %+v", len(hist), hist)
	}
}

func TestBoltRefusesSecondOpener(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "jobbox.db")
	s, err := OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := OpenBolt(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
}

func TestDocuments(t *testing.T) {
	t.Parallel()
	s, err := OpenBolt(filepath.Join(t.TempDir(), "docs.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for _, id := range []string{"a", "b"} {
		if err := s.SaveDocument(ctx, "c", id, []byte(id), 2); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveDocument(ctx, "c", "c", []byte("c"), 2); !errors.Is(err, ErrCollectionFull) {
		t.Fatalf("a third document in a collection of 2: %v", err)
	}
	if err := s.SaveDocument(ctx, "c", "a", []byte("A"), 2); err != nil {
		t.Fatalf("replacing a document in a full collection: %v", err)
	}
	if found, err := s.DeleteDocument(ctx, "c", "b"); !found || err != nil {
		t.Fatalf("delete: %v %v", found, err)
	}
	if found, _ := s.DeleteDocument(ctx, "c", "b"); found {
		t.Fatal("deleted twice")
	}
	if err := s.SaveDocument(ctx, "c", "c", []byte("c"), 2); err != nil {
		t.Fatalf("a delete did not free a place: %v", err)
	}
	if doc, _ := s.Document(ctx, "c", "a"); string(doc) != "A" {
		t.Fatalf("get: %q", doc)
	}
	var order []string
	_ = s.ScanDocuments(ctx, "c", true, func(id string, _ []byte) bool { order = append(order, id); return true })
	if strings.Join(order, ",") != "c,a" {
		t.Fatalf("descending scan: %v", order)
	}
}
