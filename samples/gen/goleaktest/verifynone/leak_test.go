// Package verifynone leaks goroutines from a test that checks with
// goleak.VerifyNone, so that goleak reports them when the test ends.
package verifynone

import (
	"testing"

	"go.uber.org/goleak"
)

// subscribe starts a listener that waits for events nobody sends.
func subscribe(events chan string) {
	go func() {
		for e := range events {
			_ = e
		}
	}()
}

// poll starts n pollers blocked on a channel that is never closed.
func poll(n int, stop chan struct{}) {
	for i := 0; i < n; i++ {
		go func() {
			select {
			case <-stop:
			}
		}()
	}
}

func TestHealthy(t *testing.T) {
	defer goleak.VerifyNone(t)
	done := make(chan struct{})
	go func() { close(done) }()
	<-done
}

func TestSubscribeLeaks(t *testing.T) {
	defer goleak.VerifyNone(t)
	subscribe(make(chan string))
	poll(3, make(chan struct{}))
}
