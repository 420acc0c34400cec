package modules

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/config"
	"github.com/jobbox/jobbox/host/sandbox"
	"github.com/jobbox/jobbox/host/store"
)

// endless is a document source that never runs out: each document is
// handed over as a slow disk would, and the scan ends only when the
// consumer says so.
type endless struct {
	store.Documents
	doc     []byte
	scanned chan int // the count, after the first 100 documents
}

func (e *endless) ScanDocuments(_ context.Context, _ string, _ bool, fn func(string, []byte) bool) error {
	for i := 0; ; i++ {
		if i == 100 {
			close(e.scanned)
		}
		if !fn(fmt.Sprint(i), e.doc) {
			return nil
		}
	}
}

func dataRun(t *testing.T, docs store.Documents) *run {
	t.Helper()
	cfg := testConfig(t, "")
	h, err := New(cfg.Modules(), docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	r := h.ForJob("job", config.Grants{Data: []string{"c"}}).Open().(*run)
	t.Cleanup(r.Close)
	return r
}

// callReturns calls and fails the test if the call hangs: the guard is a
// hang guard, not a measure.
func callReturns(t *testing.T, r *run, ctx context.Context, module, method string, a []any) ([]any, error) {
	t.Helper()
	type result struct {
		res []any
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := r.Call(ctx, module, method, a)
		done <- result{res, err}
	}()
	select {
	case got := <-done:
		return got.res, got.err
	case <-time.After(60 * time.Second):
		t.Fatalf("core.%s.%s did not return", module, method)
		return nil, nil
	}
}

// TestDataScanStopsAtTheDeadline: a page query over a source with no end
// and no match returns once the run's deadline passes, saying so.
func TestDataScanStopsAtTheDeadline(t *testing.T) {
	t.Parallel()
	doc, _ := abi.Encode(abi.Table{{Key: "kind", Value: "other"}})
	src := &endless{doc: doc, scanned: make(chan int)}
	r := dataRun(t, src)
	ctx, cancel := context.WithCancelCause(context.Background())
	ctx, stop := context.WithDeadline(ctx, time.Now().Add(time.Hour))
	defer stop()
	go func() { <-src.scanned; cancel(context.DeadlineExceeded) }()
	_, err := callReturns(t, r, ctx, "data", "getPage", []any{"c", int64(1), int64(10), "ASC", abi.Table{{Key: "kind", Value: "wanted"}}})
	if err == nil || !strings.Contains(err.Error(), "the time limit passed during the call") {
		t.Errorf("got %v, want the call cut short by the run's end", err)
	}
}

// TestResultsStopAtTheRunsBudget: a page of documents, or a response body,
// larger than what the run has left of run_bytes stops as it is read.
func TestResultsStopAtTheRunsBudget(t *testing.T) {
	t.Parallel()
	doc, _ := abi.Encode(abi.Table{{Key: "kind", Value: strings.Repeat("x", 1000)}})
	r := dataRun(t, &endless{doc: doc, scanned: make(chan int)})
	ctx := sandbox.WithResultBudget(context.Background(), 50_000)
	_, err := callReturns(t, r, ctx, "data", "getPage", []any{"c", int64(1), int64(1000)})
	if err == nil || !strings.Contains(err.Error(), "larger than the 50000 bytes the run has left") {
		t.Errorf("core.data: got %v, want the budget passed", err)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(rw, strings.Repeat("y", 200_000))
	}))
	defer srv.Close()
	base := "http://" + srv.Listener.Addr().String()
	net := testRun(t, "", config.Grants{Network: []string{base}, NetworkCIDRs: []string{"127.0.0.0/8"}})
	res, err := net.Call(ctx, "network", "get", []any{base + "/"})
	if err != nil || res[0] != nil || !strings.Contains(fmt.Sprint(res[1]), "larger than the 50000 bytes the run has left") {
		t.Errorf("core.network: got %v %v, want the budget passed", res, err)
	}
	if res, err := net.Call(context.Background(), "network", "get", []any{base + "/"}); err != nil || len(bodyOf(res)) != 200_000 {
		t.Errorf("core.network without a budget: %v", err)
	}
}
