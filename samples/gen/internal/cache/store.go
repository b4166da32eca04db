// Package cache is an in-memory price cache.
package cache

import "sync"

// Store is guarded by a single mutex.
type Store struct {
	mu      sync.Mutex
	entries map[string]int
	fetch   chan map[string]int
}

// NewStore returns an empty store whose upstream never answers.
func NewStore() *Store {
	return &Store{entries: map[string]int{}, fetch: make(chan map[string]int)}
}

// Refresh takes the lock and waits for the upstream while holding it.
func (s *Store) Refresh() {
	s.mu.Lock()
	defer s.mu.Unlock()
	fresh := <-s.fetch
	for k, v := range fresh {
		s.entries[k] = v
	}
}

// Get reads one entry.
func (s *Store) Get(key string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.entries[key]
	return v, ok
}
