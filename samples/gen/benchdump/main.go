// Command benchdump writes a large goroutine dump for benchmarks: it starts
// -n goroutines spread over about 30 distinct stacks (shallow and ~50 frames
// deep, every kind of blocking), waits until all are parked, and writes
// runtime.Stack(buf, true) for all of them.
//
//	benchdump -n 1000000 -o build/bench-1m.txt
//
// The dump holds exactly n+1 goroutines (n started here plus main). Which
// goroutine gets which stack is drawn from a seeded generator, so ids of the
// same stack interleave as in a real program and the per-stack counts depend
// only on -n and -seed (-counts prints them). With -inlined every goroutine
// takes one of a few stacks of short inlined frames instead (inlined.go).
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"sync/atomic"
	"time"

	"example.com/shop/benchdump/stages"
)

var parked int64

type recipe struct {
	name   string
	weight float64
	run    func()
}

type checkoutHandler struct{}

func (h *checkoutHandler) serve() { stages.Inbox{}.Receive() }

type feedConsumer struct{}

func (c *feedConsumer) consume() { stages.Inbox{}.Receive() }

type searchFanout struct{}

func (s *searchFanout) shard() { stages.Outbox{}.Publish(1) }

func (s *searchFanout) gather() {
	func() {
		stages.Outbox{}.Publish(2)
	}()
}

type feedPoller struct{}

func (p *feedPoller) loop() { stages.Poller{}.Poll() }

type billing struct{}

func (b *billing) post() { stages.Ledger{}.Append() }

type auditLog struct{}

func (a *auditLog) record() { stages.Ledger{}.Append() }

type catalogReader struct{}

func (c *catalogReader) read() { stages.Table{}.Lookup() }

type batchJoiner struct{}

func (b *batchJoiner) join() { stages.Batch{}.Await() }

type jobQueue struct{}

func (q *jobQueue) take() { stages.Queue{}.Take() }

type retryLoop struct{}

func (r *retryLoop) run() { stages.Retrier{}.Backoff() }

type eventPump struct{}

func (p *eventPump) pump() { stages.Stream{}.Next() }

type daemon struct{}

func (d *daemon) main() { stages.Daemon{}.Park() }

type sessionKeeper struct{}

func (s *sessionKeeper) keepalive() { stages.Session{}.Watch() }

type thumbPool struct{}

func (p *thumbPool) worker() { stages.Pool{}.Worker() }

type scheduler struct{}

func (s *scheduler) wait() { stages.Timer{}.Tick() }

type indexer struct{}

func (i *indexer) crawl() { stages.WalkTree(48) }

type sitemap struct{}

func (s *sitemap) build() { stages.WalkTree(10) }

type rules struct{}

func (r *rules) compile() { stages.ParseExpr(48) }

type deps struct{}

func (d *deps) resolve() { stages.ResolveDeps(48) }

type pages struct{}

func (p *pages) render() { stages.Render(48) }

type importer struct{}

func (i *importer) decode() { stages.Unmarshal(48) }

type pricing struct{}

func (p *pricing) evaluate() { stages.Evaluate(48) }

type gatewayProxy struct{}

func (g *gatewayProxy) proxy() {
	done := make(chan struct{})
	go func() {
		stages.Poller{}.Poll()
		close(done)
	}()
	stages.Poller{}.Poll()
}

type notifyHub struct{}

func (h *notifyHub) subscribe() {
	deliver := func() { stages.Inbox{}.Receive() }
	deliver()
}

type metricsFlusher struct{}

func (m *metricsFlusher) flush() { stages.Outbox{}.Publish(3) }

type orderSettler struct{}

func (o *orderSettler) settle() { stages.Batch{}.Await() }

type wsConn struct{}

func (c *wsConn) readPump() { stages.Session{}.Watch() }

type cacheRefresher struct{}

func (c *cacheRefresher) refresh() { stages.Retrier{}.Backoff() }

type inventory struct{}

func (i *inventory) reserve() { stages.Ledger{}.Append() }

var recipes = []recipe{
	{"checkout.serve/chan-receive", 20, (&checkoutHandler{}).serve},
	{"feed.consume/chan-receive", 6, (&feedConsumer{}).consume},
	{"search.shard/chan-send", 15, (&searchFanout{}).shard},
	{"search.gather/chan-send", 4, (&searchFanout{}).gather},
	{"poller.loop/select", 6, (&feedPoller{}).loop},
	{"billing.post/mutex", 5, (&billing{}).post},
	{"audit.record/mutex", 2, (&auditLog{}).record},
	{"catalog.read/rwmutex-rlock", 4, (&catalogReader{}).read},
	{"batch.join/waitgroup", 4, (&batchJoiner{}).join},
	{"jobs.take/cond", 4, (&jobQueue{}).take},
	{"retry.run/sleep", 4, (&retryLoop{}).run},
	{"events.pump/nil-chan", 2, (&eventPump{}).pump},
	{"daemon.main/select-no-cases", 1, (&daemon{}).main},
	{"session.keepalive/select-ctx", 4, (&sessionKeeper{}).keepalive},
	{"thumbs.worker/range-chan", 5, (&thumbPool{}).worker},
	{"scheduler.wait/timer", 2, (&scheduler{}).wait},
	{"indexer.crawl/deep-chan-receive", 1.5, (&indexer{}).crawl},
	{"rules.compile/deep-mutex", 1.5, (&rules{}).compile},
	{"deps.resolve/deep-select", 1.5, (&deps{}).resolve},
	{"pages.render/deep-waitgroup", 1, (&pages{}).render},
	{"importer.decode/deep-chan-send", 1, (&importer{}).decode},
	{"pricing.evaluate/deep-sleep", 1, (&pricing{}).evaluate},
	{"sitemap.build/medium-chan-receive", 1, (&sitemap{}).build},
	{"gateway.proxy/select", 1, (&gatewayProxy{}).proxy}, // 2 goroutines each, 2 stacks
	{"notify.subscribe/chan-receive", 2, (&notifyHub{}).subscribe},
	{"metrics.flush/chan-send", 1, (&metricsFlusher{}).flush},
	{"orders.settle/waitgroup", 1, (&orderSettler{}).settle},
	{"ws.readPump/select-ctx", 2, (&wsConn{}).readPump},
	{"cache.refresh/sleep", 1, (&cacheRefresher{}).refresh},
	{"inventory.reserve/mutex", 1, (&inventory{}).reserve},
}

func main() {
	var (
		n      = flag.Int("n", 1000000, "goroutines to start (at least 10)")
		out    = flag.String("o", "-", "output file, - for stdout")
		seed   = flag.Int64("seed", 1, "seed for the stack assignment")
		counts = flag.Bool("counts", false, "print the per-stack goroutine counts to stderr")
		proto  = flag.String("proto", "", "also write the goroutine profile as protobuf (debug=0) to this file")
		short  = flag.Bool("inlined", false, "every goroutine on one of a few stacks of short inlined frames")
	)
	flag.Parse()
	if *n < 10 {
		fmt.Fprintln(os.Stderr, "benchdump: -n must be at least 10")
		os.Exit(2)
	}
	// Small stacks, and no GC work from the dump buffer itself.
	debug.SetGCPercent(400)
	start := time.Now()
	stages.Parked = func() { atomic.AddInt64(&parked, 1) }

	// Two helpers first: the lock holder and the waiting writer.
	started := make(chan struct{})
	go stages.Holder(started)
	<-started
	go stages.TableWriter()
	waitWriterQueued()
	spawned := 2

	// The proxy recipe starts a second goroutine of its own.
	total := 0.0
	for _, r := range recipes {
		total += r.weight
	}
	rng := rand.New(rand.NewSource(*seed))
	perRecipe := make(map[string]int)
	for *short && spawned < *n {
		go inlined[rng.Intn(len(inlined))]()
		spawned++
	}
	for spawned < *n {
		x := rng.Float64() * total
		i := 0
		for ; i < len(recipes)-1; i++ {
			x -= recipes[i].weight
			if x < 0 {
				break
			}
		}
		r := recipes[i]
		if r.name == "gateway.proxy/select" {
			if *n-spawned < 2 {
				continue
			}
			spawned += 2
			perRecipe[r.name] += 2
		} else {
			spawned++
			perRecipe[r.name]++
		}
		go r.run()
	}
	waitParked(int64(*n))
	setup := time.Since(start)

	// Grow the buffer until the whole dump fits (pprof's debug=2 gives up
	// at 64 MiB, which a million goroutines exceed by far).
	size := *n * 900
	if size < 1<<20 {
		size = 1 << 20
	}
	var buf []byte
	var dumped int
	t0 := time.Now()
	for attempt := 0; attempt < 8; attempt++ {
		buf = make([]byte, size)
		dumped = runtime.Stack(buf, true)
		if dumped < len(buf) {
			break
		}
		buf = nil
		size *= 2
	}
	if dumped >= size {
		fmt.Fprintln(os.Stderr, "benchdump: dump did not fit")
		os.Exit(1)
	}
	stackTime := time.Since(t0)

	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchdump:", err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	if _, err := w.Write(buf[:dumped]); err != nil {
		fmt.Fprintln(os.Stderr, "benchdump:", err)
		os.Exit(1)
	}
	if *proto != "" {
		f, err := os.Create(*proto)
		if err == nil {
			err = pprof.Lookup("goroutine").WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchdump:", err)
			os.Exit(1)
		}
	}
	fmt.Fprintf(os.Stderr, "benchdump: %d goroutines, %d bytes, setup %v, runtime.Stack %v\n",
		runtime.NumGoroutine(), dumped, setup.Round(time.Millisecond), stackTime.Round(time.Millisecond))
	if *counts {
		names := make([]string, 0, len(perRecipe))
		for k := range perRecipe {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fmt.Fprintf(os.Stderr, "%8d %s\n", perRecipe[k], k)
		}
		fmt.Fprintf(os.Stderr, "%8d %s\n", 2, "helpers (lock holder, waiting writer)")
	}
}

// waitWriterQueued returns once the table writer is queued, so that later
// readers block behind it (TryRLock fails while a writer waits).
func waitWriterQueued() {
	for i := 0; i < 10000; i++ {
		if !stages.TryReadTable() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	fmt.Fprintln(os.Stderr, "benchdump: table writer never queued")
	os.Exit(1)
}

// waitParked waits (bounded) until every goroutine has reached its blocking
// point, then gives the last ones time to park.
func waitParked(n int64) {
	deadline := time.Now().Add(5 * time.Minute)
	for atomic.LoadInt64(&parked) < n {
		if time.Now().After(deadline) {
			fmt.Fprintf(os.Stderr, "benchdump: only %d of %d goroutines parked\n", atomic.LoadInt64(&parked), n)
			os.Exit(1)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100*time.Millisecond + time.Duration(n)*time.Microsecond)
}
