// Command grpcleak-old is grpcleak built against an old gRPC release
// (v1.40.0, with Go 1.19): a local gRPC stock service and a client that
// dials a new connection per request without closing it, then writes a
// debug=2 goroutine dump of itself.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"example.com/shop/grpcleak-old/internal/stock"
)

func main() {
	requests := flag.Int("requests", 5, "stock checks to make")
	out := flag.String("o", "-", "dump output file")
	flag.Parse()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := grpc.NewServer()
	hs := health.NewServer()
	hs.SetServingStatus("stock", healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	go srv.Serve(ln)

	c := &stock.Client{Addr: ln.Addr().String()}
	for i := 0; i < *requests; i++ {
		if _, err := c.Check(context.Background()); err != nil {
			log.Fatal(err)
		}
	}
	settle()

	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		w = f
	}
	if err := pprof.Lookup("goroutine").WriteTo(w, 2); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "grpcleak: %d goroutines\n", runtime.NumGoroutine())
}

// settle waits (bounded) until the goroutine count has been stable for a while.
func settle() {
	deadline := time.Now().Add(15 * time.Second)
	last, stable := -1, 0
	for time.Now().Before(deadline) && stable < 8 {
		time.Sleep(100 * time.Millisecond)
		n := runtime.NumGoroutine()
		if n == last {
			stable++
		} else {
			last, stable = n, 0
		}
	}
}
