package modules

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jobbox/jobbox/abi"
	"github.com/jobbox/jobbox/host/config"
)

// TestSlowServersEndAtTheDeadline: an SMTP server that never greets and an
// HTTP server that never answers hold a call only until the run's context
// ends; the call then says the time limit passed.
func TestSlowServersEndAtTheDeadline(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 10)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- struct{}{}
			go func() { <-release; c.Close() }()
		}
	}()
	reached := make(chan struct{}, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		reached <- struct{}{}
		<-release
	}))
	defer srv.Close()
	defer close(release) // before the servers close: they wait for their handlers
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	base := "http://" + srv.Listener.Addr().String()
	r := testRun(t, fmt.Sprintf("[smtp]\nhost = \"127.0.0.1\"\nport = %s\ntls = \"none\"\ntimeout = \"1h\"\n[network]\ntimeout = \"1h\"\n", port),
		config.Grants{EmailFrom: []string{"job@work.com"}, Network: []string{base}, NetworkCIDRs: []string{"127.0.0.0/8"}})
	for _, c := range []struct {
		module, method string
		args           []any
		started        chan struct{}
	}{
		{"email", "send", []any{abi.Table{{Key: "from", Value: "job@work.com"}, {Key: "to", Value: "boss@work.com"}}}, accepted},
		{"network", "get", []any{base + "/"}, reached},
	} {
		ctx, cancel := context.WithCancelCause(context.Background())
		go func() { <-c.started; cancel(context.DeadlineExceeded) }()
		res, err := callReturns(t, r, ctx, c.module, c.method, c.args)
		if err != nil || res[0] != nil || !strings.Contains(fmt.Sprint(res[1]), "the time limit passed during the call") {
			t.Errorf("core.%s.%s: got %v %v, want the time limit named", c.module, c.method, res, err)
		}
	}
}
