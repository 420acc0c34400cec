//go:build !linux

package bench

import "errors"

// idleCPU is Linux's alone: elsewhere the watchers compete with the
// service as any process does (--watchers local).
func idleCPU() error {
	return errors.New("an idle watcher process needs Linux's SCHED_IDLE; use --watchers local")
}
