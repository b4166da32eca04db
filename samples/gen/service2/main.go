// Command service2 is a second shop service whose goroutine dumps stand for
// a production process built from other idioms than samples/gen/service:
// a sync.Cond job queue, per-tenant worker pools, a bounded semaphore under
// back-pressure, a connection pool with borrowers waiting, long-poll
// handlers, idle keep-alive clients, and six leaks that accumulate from its
// own request traffic at fixed rates (samples/README.md, truth.tsv).
//
//	service2 -ready FILE [-lifetime D]
//
// Once the standing parts run, the API address (with /debug/pprof/) is
// written to FILE and the load generator starts; the leak rates count from
// that moment.
package main

import (
	"context"
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"
)

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func serve(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ErrorLog: log.New(discard{}, "", 0)}
	go srv.Serve(ln)
	return ln.Addr().String(), nil
}

func main() {
	var (
		ready    = flag.String("ready", "", "write the API address to this file once the standing parts run")
		lifetime = flag.Duration("lifetime", time.Hour, "exit after this long")
		idle     = flag.Int("idle-conns", 150, "idle keep-alive connections to the API")
		polls    = flag.Int("long-polls", 40, "long-poll clients of the push server")
	)
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("service2: ")

	ctx, stop := context.WithCancel(context.Background())
	defer stop()

	s := newShop()
	s.start(ctx)

	mux := s.routes()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	api, err := serve(mux)
	if err != nil {
		log.Fatal(err)
	}
	hub := newPushHub()
	go hub.notify(ctx)
	push, err := serve(hub)
	if err != nil {
		log.Fatal(err)
	}

	if err := warmIdle(mux, "http://"+api, *idle); err != nil {
		log.Fatal(err)
	}
	pt := &http.Transport{MaxIdleConnsPerHost: *polls}
	for i := 0; i < *polls; i++ {
		p := &Poller{url: "http://" + push + "/poll", client: &http.Client{Transport: pt}}
		go p.run(ctx)
	}
	hub.waitFor(*polls)

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go s.reloadOnSignal(hup)

	if *ready != "" {
		if err := os.WriteFile(*ready, []byte(api), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	lg := newLoadGen("http://" + api)
	go lg.run(ctx)

	select {
	case <-time.After(*lifetime):
	case <-ctx.Done():
	}
}

// warmIdle opens n keep-alive connections at once and leaves them idle in
// the client's pool, like a gateway in front of the service.
func warmIdle(mux *http.ServeMux, base string, n int) error {
	tr := &http.Transport{MaxIdleConnsPerHost: n, MaxIdleConns: n}
	c := &http.Client{Transport: tr}
	gate := make(chan struct{})
	arrived := make(chan struct{}, n)
	mux.HandleFunc("/warm", func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-gate
	})
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			resp, err := c.Get(base + "/warm")
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < n; i++ {
		<-arrived
	}
	close(gate)
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			return err
		}
	}
	idleClient = c
	return nil
}

// idleClient keeps the warm connections reachable for the life of the process.
var idleClient *http.Client
