package main

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"sync"
	"time"
)

// JobQueue hands jobs to consumers that wait on one sync.Cond.
type JobQueue struct {
	mu   sync.Mutex
	cond *sync.Cond
	jobs []func()
}

func newJobQueue() *JobQueue {
	q := &JobQueue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *JobQueue) Push(j func()) {
	q.mu.Lock()
	q.jobs = append(q.jobs, j)
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *JobQueue) consume() {
	for {
		q.mu.Lock()
		for len(q.jobs) == 0 {
			q.cond.Wait()
		}
		j := q.jobs[0]
		q.jobs = q.jobs[1:]
		q.mu.Unlock()
		j()
	}
}

// TenantPool is one tenant's workers on the tenant's own channel.
type TenantPool struct {
	name string
	work chan string
	done int
}

func (p *TenantPool) worker() {
	for order := range p.work {
		_ = fmt.Sprintf("%s/%s", p.name, order)
		time.Sleep(time.Millisecond)
	}
}

// Renderer keeps a fixed number of render jobs in flight behind a
// semaphore of fewer slots: the jobs beyond the slots wait to acquire.
type Renderer struct {
	slots chan struct{}
	rng   *rand.Rand
	mu    sync.Mutex
}

func (r *Renderer) cost() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return 3*time.Second + time.Duration(r.rng.Intn(3000))*time.Millisecond
}

func (r *Renderer) run(ctx context.Context, inflight int) {
	done := make(chan struct{}, inflight)
	for i := 0; i < inflight; i++ {
		go r.render(done)
	}
	for {
		select {
		case <-done:
			go r.render(done)
		case <-ctx.Done():
			return
		}
	}
}

func (r *Renderer) render(done chan<- struct{}) {
	r.slots <- struct{}{}
	time.Sleep(r.cost())
	<-r.slots
	done <- struct{}{}
}

// DB is a pool of connections in a channel; a query borrows one.
type DB struct {
	conns chan *dbConn
}

type dbConn struct{ id, queries int }

func newDB(n int) *DB {
	db := &DB{conns: make(chan *dbConn, n)}
	for i := 0; i < n; i++ {
		db.conns <- &dbConn{id: i}
	}
	return db
}

func (db *DB) Query(d time.Duration) {
	c := <-db.conns
	c.queries++
	time.Sleep(d)
	db.conns <- c
}

// Reporter runs report queries back to back.
type Reporter struct {
	db  *DB
	rng *rand.Rand
}

func (r *Reporter) loop(ctx context.Context) {
	for ctx.Err() == nil {
		r.db.Query(time.Second + time.Duration(r.rng.Intn(1000))*time.Millisecond)
		time.Sleep(100 * time.Millisecond)
	}
}

// Cache expires entries with time.AfterFunc.
type Cache struct {
	mu    sync.Mutex
	items map[string]*cacheEntry
}

type cacheEntry struct {
	val   []byte
	timer *time.Timer
}

func (c *Cache) Set(k string, v []byte, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.items[k]; ok {
		old.timer.Stop()
	}
	e := &cacheEntry{val: v}
	e.timer = time.AfterFunc(ttl, func() { c.expire(k, e) })
	c.items[k] = e
}

func (c *Cache) expire(k string, e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items[k] == e {
		delete(c.items, k)
	}
}

// Stats is flushed by a ticker loop.
type Stats struct {
	mu      sync.Mutex
	counts  map[string]int
	flushes int
}

func (s *Stats) add(k string) {
	s.mu.Lock()
	s.counts[k]++
	s.mu.Unlock()
}

func (s *Stats) flushLoop(ctx context.Context) {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.mu.Lock()
			s.counts = map[string]int{}
			s.flushes++
			s.mu.Unlock()
		case <-ctx.Done():
			return
		}
	}
}

// PushHub answers long polls: each waiting request has its own channel and
// the notifier wakes one at a time.
type PushHub struct {
	mu      sync.Mutex
	waiting map[chan string]struct{}
	changed chan struct{}
}

func newPushHub() *PushHub {
	return &PushHub{waiting: map[chan string]struct{}{}, changed: make(chan struct{}, 1)}
}

func (h *PushHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ch := make(chan string, 1)
	h.mu.Lock()
	h.waiting[ch] = struct{}{}
	h.mu.Unlock()
	select {
	case h.changed <- struct{}{}:
	default:
	}
	defer func() {
		h.mu.Lock()
		delete(h.waiting, ch)
		h.mu.Unlock()
	}()
	select {
	case ev := <-ch:
		fmt.Fprintln(w, ev)
	case <-r.Context().Done():
	}
}

func (h *PushHub) waitFor(n int) {
	for {
		h.mu.Lock()
		k := len(h.waiting)
		h.mu.Unlock()
		if k >= n {
			return
		}
		<-h.changed
	}
}

// notify wakes one waiting poll, picked at random, every two seconds.
func (h *PushHub) notify(ctx context.Context) {
	rng := rand.New(rand.NewSource(7))
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for seq := 0; ; seq++ {
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
		h.mu.Lock()
		if n := len(h.waiting); n > 0 {
			k := rng.Intn(n)
			for ch := range h.waiting {
				if k == 0 {
					select {
					case ch <- fmt.Sprintf("event %d", seq):
					default:
					}
					break
				}
				k--
			}
		}
		h.mu.Unlock()
	}
}

// Poller is a client that keeps one long poll open at all times.
type Poller struct {
	url    string
	client *http.Client
	events int
}

func (p *Poller) run(ctx context.Context) {
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, "GET", p.url, nil)
		resp, err := p.client.Do(req)
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		p.events++
	}
}

func (s *shop) reloadOnSignal(c <-chan os.Signal) {
	for range c {
		s.stats.add("reload")
	}
}
