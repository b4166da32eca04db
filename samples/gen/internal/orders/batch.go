// Package orders settles order batches.
package orders

import (
	"sync"
)

// Order is one order line.
type Order struct {
	ID     string
	Amount int
	Lines  map[string]int
}

// Batch settles orders in parallel.
type Batch struct {
	Orders []Order
	total  int
	mu     sync.Mutex
}

// Settle adds one to the WaitGroup per order plus one for the summary step,
// which is never started: Wait blocks for ever.
func (b *Batch) Settle() int {
	var wg sync.WaitGroup
	wg.Add(len(b.Orders) + 1)
	for i := range b.Orders {
		go func(o *Order) {
			defer wg.Done()
			b.mu.Lock()
			b.total += o.Amount
			b.mu.Unlock()
		}(&b.Orders[i])
	}
	wg.Wait()
	return b.total
}

// SettleAsync runs Settle on its own goroutine.
func (b *Batch) SettleAsync() {
	go b.Settle()
}

// Processor applies orders to the ledger.
type Processor struct {
	ledger map[string]*Order
}

// NewProcessor returns a processor with an empty ledger.
func NewProcessor() *Processor { return &Processor{ledger: map[string]*Order{}} }

// Apply looks up the order in the ledger and increments its line. An unknown
// id dereferences a nil *Order.
func (p *Processor) Apply(id, sku string) {
	o := p.ledger[id]
	p.apply(o, sku)
}

func (p *Processor) apply(o *Order, sku string) {
	o.Lines[sku]++
	o.Amount++
}
