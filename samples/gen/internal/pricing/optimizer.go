package pricing

import "time"

// Optimizer burns CPU searching for a better price vector.
type Optimizer struct {
	Deadline time.Time
	best     float64
}

// Start launches n annealing goroutines.
func (o *Optimizer) Start(n int) {
	for i := 0; i < n; i++ {
		go o.anneal(uint64(i + 1))
	}
}

func (o *Optimizer) anneal(seed uint64) {
	x := seed
	score := 0.0
	for {
		for i := 0; i < 1<<20; i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			score += float64(x&0xff) * 1e-9
		}
		if time.Now().After(o.Deadline) {
			o.best = score
			return
		}
	}
}
