// Package lifecycle handles process signals.
package lifecycle

import (
	"os"
	"os/signal"
	"syscall"
)

// Watch calls onStop when SIGTERM or SIGINT arrives.
func Watch(onStop func(os.Signal)) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
	go handleSignals(ch, onStop)
}

func handleSignals(ch chan os.Signal, onStop func(os.Signal)) {
	for sig := range ch {
		onStop(sig)
	}
}
