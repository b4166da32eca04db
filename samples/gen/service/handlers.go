package main

// Request handlers. Most finish cleanly; six carry the defects that make the
// process leak goroutines, one per request that takes the faulty path.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func (s *service) healthz(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("hold") != "" {
		time.Sleep(time.Second)
	}
	fmt.Fprintln(w, "ok")
}

// placeOrder hands the audit record to a short-lived goroutine.
func (s *service) placeOrder(w http.ResponseWriter, r *http.Request) {
	done := make(chan struct{})
	go s.outbox.record(r.URL.Query().Get("id"), done)
	time.Sleep(20 * time.Millisecond)
	<-done
	fmt.Fprintln(w, "placed")
}

func (o *Outbox) record(id string, done chan<- struct{}) {
	o.pending.Add(int64(len(id)))
	close(done)
}

func (s *service) checkout(w http.ResponseWriter, r *http.Request) {
	if !s.jobs.Submit(Job{order: len(r.URL.RawQuery)}) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "queued")
}

// search is slow: a few of them are always in flight.
func (s *service) search(w http.ResponseWriter, r *http.Request) {
	select {
	case <-time.After(2500 * time.Millisecond):
	case <-r.Context().Done():
		return
	}
	fmt.Fprintln(w, "[]")
}

func (s *service) publishPrices(w http.ResponseWriter, r *http.Request) {
	s.prices.Publish(Event{topic: "px", body: r.URL.RawQuery})
}

func (s *service) publishConfig(w http.ResponseWriter, r *http.Request) {
	s.config.Publish(Event{topic: "cfg", body: r.URL.RawQuery})
}

// SessionStore opens sessions whose expiry watcher waits for a cancel that
// nobody calls: Close exists, but no handler calls it.
type SessionStore struct {
	open atomic.Int64
}

type Session struct {
	user    string
	cancel  context.CancelFunc
	expired atomic.Bool
}

func (st *SessionStore) Open(user string) *Session {
	ctx, cancel := context.WithCancel(context.Background())
	sess := &Session{user: user, cancel: cancel}
	go sess.watchExpiry(ctx)
	st.open.Add(1)
	return sess
}

func (s *Session) watchExpiry(ctx context.Context) {
	<-ctx.Done()
	s.expired.Store(true)
}

func (s *Session) Close() { s.cancel() }

func (st *SessionStore) sweepLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(30 * time.Second):
		}
	}
}

func (s *service) login(w http.ResponseWriter, r *http.Request) {
	sess := s.sessions.Open(r.URL.Query().Get("user"))
	fmt.Fprintln(w, "welcome", sess.user)
}

// PriceClient asks a slow backend for quotes with a deadline; the answer of
// a late backend call is sent on a channel nobody reads any more.
type PriceClient struct {
	table map[string]*priceEntry
	polls atomic.Int64
}

type priceEntry struct {
	cents   int
	backend time.Duration
}

func newPriceClient() *PriceClient {
	p := &PriceClient{table: map[string]*priceEntry{}}
	for i := 0; i < 32; i++ {
		p.table[fmt.Sprintf("sku-%d", i)] = &priceEntry{cents: 100 + i}
	}
	p.table["bulk"] = &priceEntry{cents: 90, backend: 300 * time.Millisecond}
	return p
}

type quoteResult struct {
	cents int
	err   error
}

var errQuoteTimeout = errors.New("quote: backend too slow")

func (p *PriceClient) Quote(sku string) (int, error) {
	ch := make(chan quoteResult)
	go p.fetchQuote(sku, ch)
	select {
	case res := <-ch:
		return res.cents, res.err
	case <-time.After(100 * time.Millisecond):
		return 0, errQuoteTimeout
	}
}

func (p *PriceClient) fetchQuote(sku string, out chan<- quoteResult) {
	e := p.table[sku]
	time.Sleep(e.backend)
	out <- quoteResult{cents: e.cents}
}

func (s *service) quote(w http.ResponseWriter, r *http.Request) {
	c, err := s.quotes.Quote(r.URL.Query().Get("sku"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusGatewayTimeout)
		return
	}
	fmt.Fprintln(w, c)
}

// watch starts a per-request refresh loop on a ticker that nothing stops.
func (s *service) watch(w http.ResponseWriter, r *http.Request) {
	go s.quotes.pollQuote(r.URL.Query().Get("sku"))
	fmt.Fprintln(w, "watching")
}

func (p *PriceClient) pollQuote(sku string) {
	t := time.NewTicker(5 * time.Second)
	for range t.C {
		if e := p.table[sku]; e != nil {
			p.polls.Add(1)
		}
	}
}

// Registry is a routing table. apply swaps it under the lock but waits for
// the new table while holding it; the producer of that table never sends.
// (mu stays live across the receive, so a traceback prints its address.)
type Registry struct {
	routes  map[string]string
	updates chan map[string]string
	mu      sync.Mutex
}

func newRegistry() *Registry {
	return &Registry{routes: map[string]string{"a": "10.0.0.1"}, updates: make(chan map[string]string)}
}

//go:noinline
func (g *Registry) apply(mu *sync.Mutex, next <-chan map[string]string) {
	mu.Lock()
	routes := <-next
	g.routes = routes
	mu.Unlock()
}

func (g *Registry) Resolve(name string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.routes[name]
}

func (s *service) reload(w http.ResponseWriter, r *http.Request) {
	go s.reg.apply(&s.reg.mu, s.reg.updates)
	fmt.Fprintln(w, "reloading")
}

func (s *service) lookup(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, s.reg.Resolve(r.URL.Query().Get("name")))
}

// Batcher commits a batch once every item is stored; an empty item returns
// before it marks itself done.
type Batcher struct {
	committed atomic.Int64
}

func (b *Batcher) flush(items []string) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func(it string) {
			if it == "" {
				return
			}
			defer wg.Done()
			time.Sleep(time.Millisecond)
		}(it)
	}
	wg.Wait()
	b.committed.Add(1)
}

func (s *service) batch(w http.ResponseWriter, r *http.Request) {
	items := strings.Split(r.URL.Query().Get("items"), ",")
	go s.batches.flush(items)
	fmt.Fprintln(w, "accepted", len(items))
}

// Exporter streams a large CSV; it blocks in Write when the client stops
// reading.
type Exporter struct {
	rows int
}

func (e *Exporter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv")
	for i := 0; i < e.rows; i++ {
		if _, err := fmt.Fprintf(w, "%d,order-%d,%d.%02d,shipped\n", i, i, i%500, i%100); err != nil {
			return
		}
	}
}
