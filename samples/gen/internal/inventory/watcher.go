// Package inventory watches stock levels.
package inventory

// Watcher forwards stock updates. Its channels are created in Init, which the
// caller forgot to call, so both stay nil.
type Watcher struct {
	updates chan int
	acks    chan struct{}
	level   int
}

// Init allocates the channels.
func (w *Watcher) Init() {
	w.updates = make(chan int, 16)
	w.acks = make(chan struct{}, 16)
}

// Run starts the consumer and the acknowledger.
func (w *Watcher) Run() {
	go w.consume()
	go w.acknowledge()
}

// consume receives from a nil channel: blocks for ever.
func (w *Watcher) consume() {
	for v := range w.updates {
		w.level = v
	}
}

// acknowledge sends on a nil channel: blocks for ever.
func (w *Watcher) acknowledge() {
	w.acks <- struct{}{}
}
