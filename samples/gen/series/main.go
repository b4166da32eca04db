// Command series writes a series of goroutine dumps of itself, for
// `gtriage trend` and `gtriage diff`: every -every it saves
// runtime.Stack(buf, true) to <dir>/<name>-<UTC timestamp>Z.txt while
//
//   - a price lookup leaks the goroutine it starts whenever the caller
//     times out first (blocked on chan send forever), a few per interval;
//   - a worker pool of -workers goroutines and -subscribers event
//     subscribers stay constant;
//   - in-flight requests come and go (sleeping handlers, a noisy count).
//
// It serves nothing. See samples/series/README.md.
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

type quote struct {
	sku   string
	cents int
}

// priceClient asks a slow backend for prices with a deadline.
type priceClient struct {
	latency time.Duration
}

// Lookup returns the price or gives up after timeout. The goroutine it
// starts sends on an unbuffered channel: when the caller has already
// returned, nobody ever receives and the goroutine leaks.
func (c *priceClient) Lookup(sku string, timeout time.Duration) (quote, bool) {
	ch := make(chan quote)
	go func() {
		time.Sleep(c.latency)
		ch <- quote{sku: sku, cents: 1999}
	}()
	select {
	case q := <-ch:
		return q, true
	case <-time.After(timeout):
		return quote{}, false
	}
}

// workerPool renders thumbnails; idle workers wait for jobs.
type workerPool struct {
	jobs chan int
}

func newWorkerPool(n int) *workerPool {
	p := &workerPool{jobs: make(chan int)}
	for i := 0; i < n; i++ {
		go p.worker()
	}
	return p
}

func (p *workerPool) worker() {
	for job := range p.jobs {
		render(job)
	}
}

func render(job int) {
	time.Sleep(time.Duration(job%5) * time.Millisecond)
}

// hub fans events out to subscribers that wait in a select.
type hub struct {
	subs []chan string
	quit chan struct{}
}

func newHub(n int) *hub {
	h := &hub{quit: make(chan struct{})}
	for i := 0; i < n; i++ {
		ch := make(chan string, 1)
		h.subs = append(h.subs, ch)
		go h.subscriber(ch)
	}
	return h
}

func (h *hub) subscriber(ch chan string) {
	for {
		select {
		case ev := <-ch:
			_ = len(ev)
		case <-h.quit:
			return
		}
	}
}

func (h *hub) publish(ev string) {
	for _, ch := range h.subs {
		select {
		case ch <- ev:
		default:
		}
	}
}

// handleCheckout is one in-flight request: it takes a while.
func handleCheckout(d time.Duration) {
	time.Sleep(d)
}

func snapshot(dir, name string, buf []byte) (string, error) {
	n := runtime.Stack(buf, true)
	stamp := time.Now().UTC().Format("20060102T150405Z")
	path := filepath.Join(dir, fmt.Sprintf("%s-%s.txt", name, stamp))
	return path, os.WriteFile(path, buf[:n], 0o644)
}

func main() {
	dir := flag.String("dir", ".", "where the dumps go")
	name := flag.String("name", "app", "file name prefix")
	every := flag.Duration("every", 30*time.Second, "time between dumps")
	count := flag.Int("n", 6, "dumps to write")
	workers := flag.Int("workers", 8, "worker pool size")
	subscribers := flag.Int("subscribers", 9, "event subscribers")
	leak := flag.Int("leak", 2, "lookups that time out per interval")
	seed := flag.Int64("seed", 1, "random seed for the in-flight requests")
	flag.Parse()

	rng := rand.New(rand.NewSource(*seed))
	pool := newWorkerPool(*workers)
	events := newHub(*subscribers)
	prices := &priceClient{latency: 50 * time.Millisecond}
	buf := make([]byte, 1<<20)

	// the first snapshot comes after one interval of traffic
	tick := time.NewTicker(*every / 10)
	defer tick.Stop()
	next := time.Now().Add(*every)
	written, step := 0, 0
	for written < *count {
		<-tick.C
		step++
		pool.jobs <- step
		if step%10 == 5 {
			events.publish(fmt.Sprintf("tick %d", step))
		}
		// spread the timeouts over the interval: leak per 10 ticks
		if step%10 < *leak {
			go prices.Lookup(fmt.Sprintf("sku-%d", step), 5*time.Millisecond)
		}
		// in-flight requests: about one per tick, each lasting less
		// than an interval, so their count is noise around a level
		for i := rng.Intn(3); i > 0; i-- {
			go handleCheckout(time.Duration(rng.Intn(10)) * *every / 10)
		}
		// stands in for the allocation churn of a real server: the
		// runtime notes since when a goroutine is blocked (the
		// "N minutes" of a dump) only when a GC cycle scans it
		runtime.GC()
		if time.Now().Before(next) {
			continue
		}
		next = next.Add(*every)
		path, err := snapshot(*dir, *name, buf)
		if err != nil {
			log.Fatal(err)
		}
		log.Printf("wrote %s", path)
		written++
	}
}
