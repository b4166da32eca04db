// Package janitor removes expired carts.
package janitor

import "time"

// Sweeper runs a sweep every interval, for ever.
type Sweeper struct {
	Interval time.Duration
	swept    int
}

// Start launches the sweep loop.
func (s *Sweeper) Start() { go s.run() }

func (s *Sweeper) run() {
	for {
		s.sweepOnce()
		time.Sleep(s.Interval)
	}
}

func (s *Sweeper) sweepOnce() { s.swept++ }
