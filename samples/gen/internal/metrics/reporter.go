// Package metrics reports counters periodically.
package metrics

import (
	"sync/atomic"
	"time"
)

// Reporter pushes counters on every tick. Stop is never called.
type Reporter struct {
	Name   string
	ticker *time.Ticker
	sent   int64
}

// Start creates the ticker and launches the loop.
func (r *Reporter) Start(every time.Duration) {
	r.ticker = time.NewTicker(every)
	go r.tickLoop()
}

func (r *Reporter) tickLoop() {
	for range r.ticker.C {
		r.push()
	}
}

func (r *Reporter) push() { atomic.AddInt64(&r.sent, 1) }
