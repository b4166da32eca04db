package main

// Standing parts: created at start-up (or once per connection) and alive for
// the whole life of the process. None of them is a leak.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Job is one unit of work handed to the worker pool.
type Job struct {
	order int
	done  func()
}

// Dispatcher runs a fixed pool of workers on one shared queue; Run is the
// supervisor and stays alive until the context ends.
type Dispatcher struct {
	queue chan Job
	size  int
	ran   atomic.Int64
}

func (d *Dispatcher) Run(ctx context.Context) {
	for i := 0; i < d.size; i++ {
		go d.worker(i)
	}
	<-ctx.Done()
	close(d.queue)
}

func (d *Dispatcher) worker(id int) {
	for j := range d.queue {
		time.Sleep(5 * time.Millisecond)
		d.ran.Add(1)
		if j.done != nil {
			j.done()
		}
	}
}

// Submit hands a job to an idle worker, or drops it when all are busy.
func (d *Dispatcher) Submit(j Job) bool {
	select {
	case d.queue <- j:
		return true
	default:
		return false
	}
}

// Event is what a Hub fans out.
type Event struct {
	topic string
	body  string
}

// Hub fans events out to its subscribers, each on its own channel.
type Hub struct {
	subscribe chan *Subscriber
	publish   chan Event
	subs      []*Subscriber
}

func newHub() *Hub {
	return &Hub{subscribe: make(chan *Subscriber), publish: make(chan Event, 16)}
}

func (h *Hub) Run(ctx context.Context) {
	for {
		select {
		case s := <-h.subscribe:
			h.subs = append(h.subs, s)
		case e := <-h.publish:
			for _, s := range h.subs {
				select {
				case s.ch <- e:
				default: // a slow subscriber misses the event
				}
			}
		case <-ctx.Done():
			return
		}
	}
}

func (h *Hub) Subscribe(buf int) *Subscriber {
	s := &Subscriber{ch: make(chan Event, buf)}
	h.subscribe <- s
	return s
}

func (h *Hub) Publish(e Event) {
	select {
	case h.publish <- e:
	default:
	}
}

// Subscriber receives the events of one hub.
type Subscriber struct {
	ch   chan Event
	seen int
}

func (s *Subscriber) loop() {
	for e := range s.ch {
		s.seen += len(e.body)
	}
}

// Metrics flushes counters on a ticker that it stops on the way out.
type Metrics struct {
	every   time.Duration
	flushes int
}

func (m *Metrics) flushLoop(ctx context.Context) {
	t := time.NewTicker(m.every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			m.flushes++
		case <-ctx.Done():
			return
		}
	}
}

// Cache, SessionStore and Outbox each keep one context-aware housekeeping
// loop.
type Cache struct {
	mu      sync.Mutex
	entries map[string]string
}

func (c *Cache) evictLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(20 * time.Second):
			c.mu.Lock()
			c.entries = nil
			c.mu.Unlock()
		}
	}
}

type Outbox struct {
	pending atomic.Int64
}

func (o *Outbox) retryLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(45 * time.Second):
			o.pending.Store(0)
		}
	}
}

// Prober checks a health endpoint and sleeps between checks.
type Prober struct {
	url   string
	every time.Duration
	fails int
}

func (p *Prober) loop() {
	for {
		p.probe()
		time.Sleep(p.every)
	}
}

func (p *Prober) probe() {
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(p.url)
	if err != nil {
		p.fails++
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// FeedServer streams price events over long-lived TCP connections, one
// goroutine per stream, each subscribed to the price hub on its own channel.
type FeedServer struct {
	ln  net.Listener
	hub *Hub
}

func newFeedServer(hub *Hub) (*FeedServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &FeedServer{ln: ln, hub: hub}, nil
}

func (f *FeedServer) Addr() string { return f.ln.Addr().String() }

func (f *FeedServer) Serve() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		go f.stream(c)
	}
}

func (f *FeedServer) stream(c net.Conn) {
	defer c.Close()
	sub := f.hub.Subscribe(4)
	w := bufio.NewWriter(c)
	for e := range sub.ch {
		fmt.Fprintf(w, "%s %s\n", e.topic, e.body)
		if w.Flush() != nil {
			return
		}
	}
}

// FeedClient consumes one feed stream.
type FeedClient struct {
	addr  string
	name  string
	conn  net.Conn
	lines int
}

func (c *FeedClient) connect() error {
	conn, err := net.Dial("tcp", c.addr)
	c.conn = conn
	return err
}

func (c *FeedClient) Run() {
	sc := bufio.NewScanner(c.conn)
	for sc.Scan() {
		c.lines++
	}
}

// upstream is the client of a backend that keeps a large pool of idle
// keep-alive connections, as a busy service does after a traffic peak.
type upstream struct {
	base   string
	n      int
	client *http.Client
}

func newUpstream(base string, n int) *upstream {
	tr := &http.Transport{MaxIdleConns: n + 56, MaxIdleConnsPerHost: n + 56}
	return &upstream{base: base, n: n, client: &http.Client{Transport: tr}}
}

// warm opens n connections at once (each request waits on the others) and
// leaves them idle in the pool.
func (u *upstream) warm() error {
	var wg sync.WaitGroup
	errs := make(chan error, u.n)
	for i := 0; i < u.n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := u.client.Get(u.base + "/healthz?hold=1")
			if err != nil {
				errs <- err
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}
