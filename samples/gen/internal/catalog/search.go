// Package catalog searches the product catalogue across backend shards.
package catalog

import (
	"context"
	"fmt"
	"time"
)

// Result is one shard's answer.
type Result struct {
	Shard int
	Items []string
}

// Backend is one catalogue shard.
type Backend struct {
	ID      int
	Latency time.Duration
}

// Query asks the shard for matching items.
func (b *Backend) Query(ctx context.Context, q string) Result {
	if b.Latency > 0 {
		time.Sleep(b.Latency)
	}
	return Result{Shard: b.ID, Items: []string{fmt.Sprintf("%s-%d", q, b.ID)}}
}

// Searcher fans a query out to every shard and keeps the fastest answer.
type Searcher struct {
	Backends []*Backend
}

// NewSearcher builds a searcher over n shards. Shard 0 answers first, the
// others a little later, so the winner is always shard 0.
func NewSearcher(n int) *Searcher {
	s := &Searcher{}
	for i := 0; i < n; i++ {
		lat := time.Duration(0)
		if i > 0 {
			lat = 20*time.Millisecond + time.Duration(i)*time.Millisecond
		}
		s.Backends = append(s.Backends, &Backend{ID: i, Latency: lat})
	}
	return s
}

// Search returns the first answer. The results channel is unbuffered and
// nobody drains it after the first receive: every slower shard goroutine
// stays blocked on its send for ever.
func (s *Searcher) Search(ctx context.Context, q string) Result {
	results := make(chan Result)
	for _, b := range s.Backends {
		go func(b *Backend) {
			results <- b.Query(ctx, q)
		}(b)
	}
	return <-results
}
