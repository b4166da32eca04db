// Package shipping follows parcels with the carrier.
package shipping

import (
	"sync"
	"time"
)

// Tracker polls the carrier for every parcel it is asked to follow. Each
// Track call starts a polling loop that only ends on delivery; parcels the
// carrier lost are polled forever, one goroutine each.
type Tracker struct {
	Every time.Duration

	mu     sync.Mutex
	status map[string]string
}

// NewTracker returns a tracker polling every d.
func NewTracker(d time.Duration) *Tracker {
	return &Tracker{Every: d, status: map[string]string{}}
}

// Track starts following parcel id.
func (t *Tracker) Track(id string) {
	go t.poll(id)
}

func (t *Tracker) poll(id string) {
	for {
		if t.carrierStatus(id) == "delivered" {
			return
		}
		time.Sleep(t.Every)
	}
}

// carrierStatus asks the carrier; lost parcels stay "in transit".
func (t *Tracker) carrierStatus(id string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.status[id]
	if !ok {
		s = "in transit"
		t.status[id] = s
	}
	return s
}
