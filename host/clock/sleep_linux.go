package clock

import (
	"errors"
	"syscall"
	"time"
)

// sleepPrecisely blocks its thread for d in nanosleep: the kernel wakes it
// on a high-resolution timer, not on the Go runtime's millisecond one.
func sleepPrecisely(d time.Duration) {
	ts := syscall.NsecToTimespec(d.Nanoseconds())
	for {
		var left syscall.Timespec
		err := syscall.Nanosleep(&ts, &left)
		if !errors.Is(err, syscall.EINTR) {
			return
		}
		ts = left // a signal cut the sleep short
	}
}
