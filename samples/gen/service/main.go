// Command service is a small order service whose goroutine dumps stand for a
// production process: standing parts sized like production (a worker pool,
// hundreds of idle keep-alive connections, long-lived feed streams, pub/sub
// subscribers, probers, background loops) and leaks that accumulate from its
// own request traffic at fixed rates. An in-process load generator drives
// the traffic on a fixed schedule, so the size of every group at a given
// process age is known (samples/README.md, truth.tsv).
//
//	service -ready FILE [-crash-after D] [-lifetime D]
//
// Once the standing parts run, the HTTP address (with /debug/pprof/) is
// written to FILE and the load generator starts; its clock is the one the
// leak rates are counted from.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	var (
		ready      = flag.String("ready", "", "write the HTTP address to this file once the standing parts run")
		crashAfter = flag.Duration("crash-after", 0, "send the request that crashes the process after this long (0: never)")
		lifetime   = flag.Duration("lifetime", time.Hour, "exit after this long")
		idleConns  = flag.Int("idle-conns", 200, "keep-alive connections the upstream client keeps open")
		streams    = flag.Int("streams", 20, "long-lived feed streams")
		subs       = flag.Int("subscribers", 40, "config subscribers")
	)
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("service: ")

	ctx, stop := context.WithCancel(context.Background())
	defer stop()

	svc := newService(ctx, *subs)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: svc.routes(), ErrorLog: log.New(discard{}, "", 0)}
	go srv.Serve(ln)
	base := "http://" + ln.Addr().String()

	feed, err := newFeedServer(svc.prices)
	if err != nil {
		log.Fatal(err)
	}
	go feed.Serve()
	for i := 0; i < *streams; i++ {
		c := &FeedClient{addr: feed.Addr(), name: fmt.Sprintf("desk-%02d", i)}
		if err := c.connect(); err != nil {
			log.Fatal(err)
		}
		go c.Run()
	}

	up := newUpstream(base, *idleConns)
	if err := up.warm(); err != nil {
		log.Fatal(err)
	}

	for i := 0; i < 5; i++ {
		p := &Prober{url: base + "/healthz", every: 30 * time.Second}
		go p.loop()
	}

	if *ready != "" {
		if err := os.WriteFile(*ready, []byte(ln.Addr().String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	lg := newLoadGen(base)
	lg.start(ctx, *crashAfter)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	select {
	case <-sig:
	case <-time.After(*lifetime):
	}
	stop()
	os.Exit(0)
}

// service holds the request handlers and the parts they feed.
type service struct {
	jobs     *Dispatcher
	config   *Hub
	prices   *Hub
	metrics  *Metrics
	sessions *SessionStore
	quotes   *PriceClient
	reg      *Registry
	batches  *Batcher
	cache    *Cache
	outbox   *Outbox
}

func newService(ctx context.Context, subscribers int) *service {
	s := &service{
		jobs:     &Dispatcher{queue: make(chan Job), size: 64},
		config:   newHub(),
		prices:   newHub(),
		metrics:  &Metrics{every: 10 * time.Second},
		sessions: &SessionStore{},
		quotes:   newPriceClient(),
		reg:      newRegistry(),
		batches:  &Batcher{},
		cache:    &Cache{},
		outbox:   &Outbox{},
	}
	go s.jobs.Run(ctx)
	go s.config.Run(ctx)
	go s.prices.Run(ctx)
	for i := 0; i < subscribers; i++ {
		sub := s.config.Subscribe(8)
		go sub.loop()
	}
	go s.metrics.flushLoop(ctx)
	go s.cache.evictLoop(ctx)
	go s.sessions.sweepLoop(ctx)
	go s.outbox.retryLoop(ctx)
	return s
}

func (s *service) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", s.healthz)
	mux.HandleFunc("/orders", s.placeOrder)
	mux.HandleFunc("/checkout", s.checkout)
	mux.HandleFunc("/search", s.search)
	mux.HandleFunc("/prices", s.publishPrices)
	mux.HandleFunc("/config", s.publishConfig)
	mux.HandleFunc("/login", s.login)
	mux.HandleFunc("/quote", s.quote)
	mux.HandleFunc("/watch", s.watch)
	mux.HandleFunc("/routes/reload", s.reload)
	mux.HandleFunc("/routes/lookup", s.lookup)
	mux.HandleFunc("/batch", s.batch)
	mux.Handle("/export", &Exporter{rows: 1 << 20})
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	return mux
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
