// Package clock holds time-based helpers.
package clock

import "time"

// Debouncer coalesces bursts of events and flushes them once the input has
// been quiet for Delay.
type Debouncer struct {
	Delay time.Duration
	In    chan string
	Out   chan []string
}

// NewDebouncer returns a stopped debouncer.
func NewDebouncer(delay time.Duration) *Debouncer {
	return &Debouncer{Delay: delay, In: make(chan string), Out: make(chan []string)}
}

// Start launches the debounce loop.
func (d *Debouncer) Start() { go d.loop() }

func (d *Debouncer) loop() {
	var pending []string
	var fire <-chan time.Time
	for {
		select {
		case ev := <-d.In:
			pending = append(pending, ev)
			fire = time.After(d.Delay)
		case <-fire:
			d.Out <- pending
			pending, fire = nil, nil
		}
	}
}
