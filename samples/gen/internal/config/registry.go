// Package config holds hot-reloadable settings.
package config

import "sync"

// Registry is read-mostly, guarded by an RWMutex.
type Registry struct {
	mu       sync.RWMutex
	values   map[string]string
	validate chan struct{}
}

// NewRegistry returns a registry whose validator never answers.
func NewRegistry() *Registry {
	return &Registry{values: map[string]string{}, validate: make(chan struct{})}
}

// Snapshot holds the read lock while it waits for validation.
func (r *Registry) Snapshot() map[string]string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	<-r.validate
	out := make(map[string]string, len(r.values))
	for k, v := range r.values {
		out[k] = v
	}
	return out
}

// Reload takes the write lock.
func (r *Registry) Reload(values map[string]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.values = values
}

// Lookup takes the read lock; it queues behind a waiting writer.
func (r *Registry) Lookup(key string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.values[key]
}
