// Package synctestleak leaves a goroutine blocked in a testing/synctest
// bubble when the bubble's main goroutine returns: synctest panics with
// "blocked goroutines remain" and prints them.
package synctestleak

import (
	"testing"
	"testing/synctest"
)

// watch starts a watcher that waits for updates nobody sends.
func watch(updates chan string) {
	go func() {
		for u := range updates {
			_ = u
		}
	}()
}

func TestWatcherBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		watch(make(chan string))
	})
}
