// Package session tracks user sessions and expires them on cancellation.
package session

import (
	"context"
	"sync"
	"time"
)

// AppContext is the process-wide context. It implements context.Context with
// its own Done channel (not one of the context package's types), so every
// context.WithCancel derived from it needs a propagation goroutine.
type AppContext struct {
	done chan struct{}
	mu   sync.Mutex
	err  error
}

// NewAppContext returns a context that is only cancelled at shutdown.
func NewAppContext() *AppContext { return &AppContext{done: make(chan struct{})} }

func (c *AppContext) Deadline() (time.Time, bool)       { return time.Time{}, false }
func (c *AppContext) Done() <-chan struct{}             { return c.done }
func (c *AppContext) Value(key interface{}) interface{} { return nil }
func (c *AppContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Manager owns sessions.
type Manager struct {
	parent  context.Context
	cancels []context.CancelFunc
}

// NewManager returns a manager rooted at parent.
func NewManager(parent context.Context) *Manager { return &Manager{parent: parent} }

// Open starts a session watcher. The cancel func is kept but never called.
func (m *Manager) Open(id int) {
	ctx, cancel := context.WithCancel(m.parent)
	m.cancels = append(m.cancels, cancel)
	go m.watch(ctx, id)
}

func (m *Manager) watch(ctx context.Context, id int) {
	t := time.NewTimer(24 * time.Hour)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
