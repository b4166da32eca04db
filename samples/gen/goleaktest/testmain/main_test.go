// Package testmain leaks goroutines past its tests and checks with
// goleak.VerifyTestMain, which reports them after all tests ran.
package testmain

import (
	"sync"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var mu sync.Mutex

// startWorkers starts n workers that wait for jobs on a channel nobody
// closes, and one that waits on a mutex held forever.
func startWorkers(n int) {
	jobs := make(chan int)
	for i := 0; i < n; i++ {
		go func() {
			for j := range jobs {
				_ = j
			}
		}()
	}
	mu.Lock()
	go func() {
		mu.Lock()
		defer mu.Unlock()
	}()
}

func TestWorkers(t *testing.T) {
	startWorkers(2)
}
