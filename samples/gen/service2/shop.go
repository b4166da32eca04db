package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"strconv"
	"sync"
	"time"
)

type shop struct {
	queue   *JobQueue
	tenants []*TenantPool
	render  *Renderer
	db      *DB
	cache   *Cache
	stats   *Stats
	catalog *Catalog
	carrier *Carrier
}

func newShop() *shop {
	s := &shop{
		queue:   newJobQueue(),
		render:  &Renderer{slots: make(chan struct{}, 16), rng: rand.New(rand.NewSource(3))},
		db:      newDB(10),
		cache:   &Cache{items: map[string]*cacheEntry{}},
		stats:   &Stats{counts: map[string]int{}},
		catalog: &Catalog{prices: map[string]int{"sku-1": 100}},
		carrier: &Carrier{},
	}
	for i := 0; i < 8; i++ {
		s.tenants = append(s.tenants, &TenantPool{name: fmt.Sprintf("tenant-%d", i), work: make(chan string, 4)})
	}
	return s
}

// start runs the standing parts; all of them are created here, at start-up.
func (s *shop) start(ctx context.Context) {
	for i := 0; i < 32; i++ {
		go s.queue.consume()
	}
	for _, t := range s.tenants {
		for i := 0; i < 6; i++ {
			go t.worker()
		}
	}
	go s.render.run(ctx, 32)
	for i := 0; i < 20; i++ {
		r := &Reporter{db: s.db, rng: rand.New(rand.NewSource(int64(i)))}
		go r.loop(ctx)
	}
	go s.stats.flushLoop(ctx)
}

func (s *shop) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	m.HandleFunc("/search", s.search)
	m.HandleFunc("/order", s.order)
	m.HandleFunc("/batch", s.batch)
	m.HandleFunc("/ship", s.ship)
	m.HandleFunc("/upload", s.upload)
	m.HandleFunc("/price", s.price)
	m.HandleFunc("/reindex", s.reindex)
	m.HandleFunc("/rate", s.rate)
	m.HandleFunc("/subscribe", s.subscribe)
	return m
}

// group runs functions concurrently and returns the first error, like
// errgroup.Group.
type group struct {
	wg   sync.WaitGroup
	once sync.Once
	err  error
}

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.once.Do(func() { g.err = err })
		}
	}()
}

func (g *group) Wait() error {
	g.wg.Wait()
	return g.err
}

// search fans out to the shards and waits for all of them (healthy).
func (s *shop) search(w http.ResponseWriter, r *http.Request) {
	var g group
	hits := make([]int, 6)
	for i := range hits {
		i := i
		g.Go(func() error {
			time.Sleep(time.Duration(5+i*4) * time.Millisecond)
			hits[i] = i
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	q := r.URL.Query().Get("q")
	s.cache.Set(q, []byte(fmt.Sprint(hits)), 20*time.Second)
	fmt.Fprintln(w, hits)
}

// order hands work to the job queue and to a tenant pool (healthy).
func (s *shop) order(w http.ResponseWriter, r *http.Request) {
	t, _ := strconv.Atoi(r.URL.Query().Get("tenant"))
	s.queue.Push(func() { s.stats.add("job") })
	s.tenants[t%len(s.tenants)].work <- r.URL.Query().Get("id")
	io.WriteString(w, "ok\n")
}

// batch: LEAK. The WaitGroup counts one item too many, so the goroutine
// that waits to record the batch never returns.
func (s *shop) batch(w http.ResponseWriter, r *http.Request) {
	items := []string{"a", "b", "c"}
	var wg sync.WaitGroup
	wg.Add(len(items) + 1)
	for _, it := range items {
		go func(it string) {
			defer wg.Done()
			s.stats.add(it)
		}(it)
	}
	go s.recordBatch(&wg, len(items))
	io.WriteString(w, "accepted\n")
}

func (s *shop) recordBatch(wg *sync.WaitGroup, n int) {
	wg.Wait()
	s.stats.add("batch:" + strconv.Itoa(n))
}

// Carrier is an external shipping API that is down.
type Carrier struct{ calls int }

var errCarrierDown = errors.New("carrier unavailable")

func (c *Carrier) Send(id string) error { return errCarrierDown }

// ship: LEAK. The retry loop has no exit and no context: it sleeps and
// retries forever after the request returned.
func (s *shop) ship(w http.ResponseWriter, r *http.Request) {
	go s.retryShipment(r.URL.Query().Get("id"))
	io.WriteString(w, "queued\n")
}

func (s *shop) retryShipment(id string) {
	backoff := 100 * time.Millisecond
	for {
		if err := s.carrier.Send(id); err == nil {
			return
		}
		time.Sleep(backoff)
		if backoff < 5*time.Second {
			backoff *= 2
		}
	}
}

// upload: LEAK. The pipe's writer is never closed, so the reader waits for
// more data forever.
func (s *shop) upload(w http.ResponseWriter, r *http.Request) {
	pr, pw := io.Pipe()
	go s.consumeUpload(pr)
	pw.Write([]byte("payload"))
	io.WriteString(w, "stored\n")
}

func (s *shop) consumeUpload(r io.Reader) {
	b, _ := io.ReadAll(r)
	s.stats.add("upload:" + strconv.Itoa(len(b)))
}

// Catalog: LEAK. reindex takes the read lock and never gives it back; the
// next refresh waits for the write lock, and every later reader queues
// behind that writer.
type Catalog struct {
	mu      sync.RWMutex
	prices  map[string]int
	release chan struct{}
}

func (c *Catalog) Price(sku string) int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.prices[sku]
}

func (c *Catalog) snapshot() {
	c.mu.RLock()
	<-c.release
	c.mu.RUnlock()
}

func (c *Catalog) Refresh() {
	c.mu.Lock()
	c.prices["sku-1"]++
	c.mu.Unlock()
}

func (s *shop) reindex(w http.ResponseWriter, r *http.Request) {
	go s.catalog.snapshot()
	time.Sleep(50 * time.Millisecond)
	go s.catalog.Refresh()
	io.WriteString(w, "reindexing\n")
}

func (s *shop) price(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, s.catalog.Price(r.URL.Query().Get("sku")))
}

// rate: LEAK. The goroutine that records the rate waits for a result that
// is only sent when the lookup beats its timeout, which it never does.
func (s *shop) rate(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Millisecond)
	defer cancel()
	res := make(chan int)
	go s.recordRate(res)
	select {
	case <-time.After(50 * time.Millisecond):
		res <- 42
	case <-ctx.Done():
		http.Error(w, "rate lookup timed out", http.StatusGatewayTimeout)
	}
}

func (s *shop) recordRate(res <-chan int) {
	v := <-res
	s.stats.add("rate:" + strconv.Itoa(v))
}

// subscription's zero value has a nil updates channel.
type subscription struct {
	topic   string
	updates chan string
}

// subscribe: LEAK. The subscription is used as its zero value, so the
// forwarder receives from a nil channel forever.
func (s *shop) subscribe(w http.ResponseWriter, r *http.Request) {
	var sub subscription
	sub.topic = r.URL.Query().Get("topic")
	go s.forward(sub)
	io.WriteString(w, "subscribed\n")
}

func (s *shop) forward(sub subscription) {
	for u := range sub.updates {
		s.stats.add(sub.topic + u)
	}
}
