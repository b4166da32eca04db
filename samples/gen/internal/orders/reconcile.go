package orders

import "sync"

// Reconciler matches payments with orders.
type Reconciler struct {
	pending map[string]int
	matched chan string
}

// NewReconciler returns a reconciler.
func NewReconciler() *Reconciler {
	return &Reconciler{pending: map[string]int{}, matched: make(chan string)}
}

// Run starts one matcher per shard and waits for all of them. The matchers
// wait for payment confirmations that never arrive.
func (r *Reconciler) Run(shards int) {
	var wg sync.WaitGroup
	for i := 0; i < shards; i++ {
		wg.Add(1)
		go func(shard int) {
			defer wg.Done()
			r.match(shard)
		}(i)
	}
	wg.Wait()
}

func (r *Reconciler) match(shard int) {
	id := <-r.matched
	delete(r.pending, id)
}
