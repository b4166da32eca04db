// Package worker is a fixed-size thumbnail worker pool.
package worker

import "sync"

// Job is one thumbnail to render.
type Job struct {
	ID   int
	Size int
}

// Pool runs a fixed number of workers over a jobs channel. Idle workers are
// healthy: the channel is still owned by the dispatcher.
type Pool struct {
	Jobs chan Job
	wg   sync.WaitGroup
	done int
	mu   sync.Mutex
}

// NewPool starts n workers.
func NewPool(n int) *Pool {
	p := &Pool{Jobs: make(chan Job, 64)}
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go p.worker(i)
	}
	return p
}

func (p *Pool) worker(id int) {
	defer p.wg.Done()
	for job := range p.Jobs {
		p.render(job)
	}
}

func (p *Pool) render(j Job) {
	p.mu.Lock()
	p.done++
	p.mu.Unlock()
}
