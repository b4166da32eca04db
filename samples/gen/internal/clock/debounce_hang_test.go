//go:build hangdemo && go1.25

package clock

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// upstream is created outside any bubble: a bubble goroutine blocked on it
// is not durably blocked, so synctest cannot detect the deadlock and the
// test runs into -timeout.
var upstream = make(chan struct{})

// Deliberately hangs: run with -tags hangdemo -timeout and
// GODEBUG=asynctimerchan=0 to get a dump with synctest bubbles.
func TestDebouncerFlushesAfterQuietPeriod(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := NewDebouncer(time.Second)
		d.Start()
		d.In <- "cart-1"
		d.In <- "cart-2"

		var flushed sync.WaitGroup
		flushed.Add(1)
		go func() {
			// Waits for a flush confirmation nobody sends.
			flushed.Wait()
		}()
		go func() {
			time.Sleep(time.Hour)
		}()

		time.Sleep(2 * time.Second) // the debouncer fires and blocks on Out
		<-upstream
	})
}
