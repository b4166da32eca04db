// Package notify delivers order events to subscribers.
package notify

import "log"

// Event is an order event.
type Event struct {
	OrderID string
	Kind    string
}

// Dispatcher fans events out to subscriber goroutines.
type Dispatcher struct {
	events chan Event
	subs   []func(Event)
}

// NewDispatcher returns a dispatcher whose event source is never wired up.
func NewDispatcher() *Dispatcher {
	return &Dispatcher{events: make(chan Event)}
}

// Start launches n delivery goroutines. Nothing ever sends on d.events and
// nothing closes it, so they wait for ever.
func (d *Dispatcher) Start(n int) {
	for i := 0; i < n; i++ {
		go d.deliver(i)
	}
}

func (d *Dispatcher) deliver(worker int) {
	for ev := range d.events {
		for _, s := range d.subs {
			s(ev)
		}
		log.Printf("notify: worker %d delivered %s", worker, ev.OrderID)
	}
}
