// Command heapleak is a small service whose heap leaks in four ways the
// heap-profile samples show, each driven by its own request traffic at a
// fixed rate, next to a working set that rises and falls with load:
//
//   - a cache map that only grows (a key per request, never evicted),
//   - a ticker per request that is never stopped (kept in a subscriber list),
//   - a small sub-slice kept from each large read, pinning the whole buffer,
//   - a batch working set whose size follows the load, freed as it falls.
//
// With -watchers, each ticker also gets a goroutine that waits on it, as a
// subscriber loop would: the goroutines leak with the tickers.
//
// It serves net/http/pprof on 127.0.0.1 and writes the address to -ready.
package main

import (
	"flag"
	"fmt"
	"math"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// Session cache keyed by request id: entries are added, never evicted.
type sessionCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (c *sessionCache) Put(key string, v []byte) {
	c.mu.Lock()
	c.m[key] = v
	c.mu.Unlock()
}

var (
	cache = &sessionCache{m: map[string][]byte{}}

	subsMu sync.Mutex
	subs   []*time.Ticker // a ticker per request, never stopped

	headersMu sync.Mutex
	headers   [][]byte // 64 bytes kept of each 32 KiB read

	workMu sync.Mutex
	work   [][]byte // the current batch: follows the load
)

func handleLogin(id int) {
	v := make([]byte, 256)
	cache.Put("session-"+strconv.Itoa(id), v)
}

var watchers bool

func handleSubscribe() {
	t := time.NewTicker(time.Hour)
	subsMu.Lock()
	subs = append(subs, t)
	subsMu.Unlock()
	if watchers {
		go watchTicker(t)
	}
}

// watchTicker delivers ticks to a subscriber that never unsubscribes.
func watchTicker(t *time.Ticker) {
	for range t.C {
	}
}

func readUpload() []byte {
	buf := make([]byte, 32<<10)
	for i := range buf {
		buf[i] = byte(i)
	}
	return buf
}

func handleUpload() {
	buf := readUpload()
	headersMu.Lock()
	headers = append(headers, buf[:64])
	headersMu.Unlock()
}

func newBatchItem() []byte { return make([]byte, 8<<10) }

// setBatch resizes the working set to n items: it rises and falls.
func setBatch(n int) {
	workMu.Lock()
	defer workMu.Unlock()
	for len(work) < n {
		work = append(work, newBatchItem())
	}
	for i := n; i < len(work); i++ {
		work[i] = nil
	}
	work = work[:n]
}

func main() {
	ready := flag.String("ready", "", "file to write the pprof address to")
	period := flag.Duration("period", 140*time.Second, "working set period")
	flag.BoolVar(&watchers, "watchers", false, "a goroutine waiting on each ticker")
	flag.Parse()
	runtime.MemProfileRate = 16 << 10

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go http.Serve(ln, nil)

	start := time.Now()
	go func() {
		id := 0
		for range time.Tick(50 * time.Millisecond) { // 20 requests/s
			id++
			handleLogin(id)
			handleSubscribe()
			if id%4 == 0 { // 5 uploads/s
				handleUpload()
			}
			phase := 2 * math.Pi * time.Since(start).Seconds() / period.Seconds()
			setBatch(int(400 + 300*math.Sin(phase)))
		}
	}()
	if *ready != "" {
		os.WriteFile(*ready, []byte("http://"+ln.Addr().String()), 0o644)
	}
	select {}
}
