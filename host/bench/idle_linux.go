package bench

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// idleCPU moves every thread of this process to Linux's SCHED_IDLE policy:
// they run only on a processor that nothing else wants. A thread the Go
// runtime starts later takes the policy of the thread that starts it, so
// once a pass finds every thread already idle, all of them are and stay so.
func idleCPU() error {
	for range 10 {
		moved, err := idleThreads()
		if err != nil || moved == 0 {
			return err
		}
	}
	return errors.New("threads kept starting while they were moved to the idle policy")
}

// idleThreads moves the threads not yet idle and says how many it moved.
func idleThreads() (moved int, err error) {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return 0, err
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		attr, err := unix.SchedGetAttr(tid, 0)
		if err != nil {
			continue // the thread has ended since the listing
		}
		if attr.Policy == unix.SCHED_IDLE {
			continue
		}
		err = unix.SchedSetAttr(tid, &unix.SchedAttr{Policy: unix.SCHED_IDLE}, 0)
		if err != nil && !errors.Is(err, unix.ESRCH) {
			return moved, fmt.Errorf("thread %d: %w", tid, err)
		}
		moved++
	}
	return moved, nil
}
