// Package queue is a blocking job queue.
package queue

import "sync"

// Queue hands jobs to consumers; Push forgets to Signal.
type Queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []string
}

// New returns an empty queue.
func New() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Pop waits until an item is available.
func (q *Queue) Pop() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait()
	}
	it := q.items[0]
	q.items = q.items[1:]
	return it
}

// Consume starts n consumers.
func (q *Queue) Consume(n int, handle func(string)) {
	for i := 0; i < n; i++ {
		go func() {
			for {
				handle(q.Pop())
			}
		}()
	}
}
