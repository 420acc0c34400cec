package api

import (
	"sync"
	"time"
)

// Login throttling: at most maxUserFailures failed logins per user name and
// maxAddrFailures per address in throttleWindow; beyond, logins are
// refused until the oldest failure leaves the window.
const (
	throttleWindow  = 15 * time.Minute
	maxUserFailures = 10
	maxAddrFailures = 30
	maxThrottleKeys = 100_000 // bounds memory under a spray of names or addresses
)

type throttle struct {
	now   func() time.Time
	mu    sync.Mutex
	fails map[string][]time.Time
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, fails: map[string][]time.Time{}}
}

// wait returns how long until key may try again; 0 if it may now.
func (t *throttle) wait(key string, max int) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	recent := t.recent(key)
	if len(recent) < max {
		return 0
	}
	return recent[len(recent)-max].Add(throttleWindow).Sub(t.now())
}

// fail records a failed login of key.
func (t *throttle) fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.fails) >= maxThrottleKeys {
		for k := range t.fails {
			if len(t.recent(k)) == 0 {
				delete(t.fails, k)
			}
		}
	}
	if len(t.fails) >= maxThrottleKeys {
		return // still full: the address limit keeps holding each sprayer
	}
	t.fails[key] = append(t.recent(key), t.now())
}

// recent drops key's failures older than the window. Call with t.mu held.
func (t *throttle) recent(key string) []time.Time {
	f := t.fails[key]
	cut := t.now().Add(-throttleWindow)
	i := 0
	for i < len(f) && !f[i].After(cut) {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(t.fails, key)
	} else {
		t.fails[key] = f
	}
	return f
}
