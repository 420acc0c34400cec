//go:build !linux

package clock

import "time"

// sleepPrecisely sleeps for d. Elsewhere than Linux it is as precise as
// the Go runtime's timers.
func sleepPrecisely(d time.Duration) { time.Sleep(d) }
