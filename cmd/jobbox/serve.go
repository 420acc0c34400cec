package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/jobbox/jobbox/host/service"
)

func cmdServe(ctx context.Context, inv *invocation) int {
	if len(inv.args) > 0 {
		return inv.fail("serve takes no arguments, got %q", inv.args)
	}
	svc, err := service.Start(ctx, inv.config, service.Options{Log: inv.stderr, Console: isTerminal(inv.stderr), NewStore: inv.newStore, ServeAPI: true})
	if err != nil {
		return inv.fail("%v", err)
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-hup:
			_ = svc.Reload(ctx) // a refused reload is logged; the service goes on
		case <-ctx.Done():
			svc.Stop(context.Background())
			return exitOK
		}
	}
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
