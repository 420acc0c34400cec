package api

import (
	"context"
	"sync"
	"time"
)

// Session is one browser login.
type Session struct {
	User    string // "" for the first-run setup session
	Setup   bool   // made by the first-run login link
	Address string // where the login came from
	Created time.Time
	Expires time.Time
}

// SessionStore keeps sessions by key, the hash of the session cookie's
// value, so a leaked store holds no usable cookie. The in-memory store
// serves one host; a cluster shares one through this interface.
type SessionStore interface {
	Put(ctx context.Context, key string, s Session) error
	// Get returns the session of key; false if there is none. The server
	// checks expiry itself.
	Get(ctx context.Context, key string) (Session, bool, error)
	Delete(ctx context.Context, key string) error
}

// maxMemorySessions bounds the in-memory store against login floods; the
// oldest sessions go first.
const maxMemorySessions = 10_000

// MemorySessions is a SessionStore in memory: sessions end with the process.
type MemorySessions struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[string]Session
}

// NewMemorySessions returns an empty store that drops expired sessions by
// the time now tells.
func NewMemorySessions(now func() time.Time) *MemorySessions {
	return &MemorySessions{now: now, m: map[string]Session{}}
}

func (m *MemorySessions) Put(_ context.Context, key string, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.m) >= maxMemorySessions {
		m.prune()
	}
	m.m[key] = s
	return nil
}

// prune drops expired sessions, then the oldest until there is room.
func (m *MemorySessions) prune() {
	now := m.now()
	for k, s := range m.m {
		if !now.Before(s.Expires) {
			delete(m.m, k)
		}
	}
	for len(m.m) >= maxMemorySessions {
		var oldest string
		var at time.Time
		for k, s := range m.m {
			if oldest == "" || s.Created.Before(at) {
				oldest, at = k, s.Created
			}
		}
		delete(m.m, oldest)
	}
}

func (m *MemorySessions) Get(_ context.Context, key string) (Session, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.m[key]
	return s, ok, nil
}

func (m *MemorySessions) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, key)
	return nil
}
