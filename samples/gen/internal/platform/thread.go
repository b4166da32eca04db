// Package platform wraps OS facilities that need a dedicated thread.
package platform

import "runtime"

// NamespaceRunner runs callbacks on a goroutine locked to its OS thread
// (as network-namespace or UI code must).
type NamespaceRunner struct {
	Name  string
	calls chan func()
}

// Start locks a goroutine to its thread and serves calls on it. Nobody ever
// sends a call.
func (n *NamespaceRunner) Start() {
	n.calls = make(chan func())
	go n.loop()
}

func (n *NamespaceRunner) loop() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for f := range n.calls {
		f()
	}
}
