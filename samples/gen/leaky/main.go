// Command leaky is a small shop backend with a catalogue of concurrency bugs.
// Each bug is a scenario selected with -scenarios; the goroutine dumps in
// samples/ are captured from it (see samples/gen/regen.sh).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"

	"example.com/shop/internal/api"
	"example.com/shop/internal/audit"
	"example.com/shop/internal/cache"
	"example.com/shop/internal/catalog"
	"example.com/shop/internal/config"
	"example.com/shop/internal/edge"
	"example.com/shop/internal/gateway"
	"example.com/shop/internal/inventory"
	"example.com/shop/internal/janitor"
	"example.com/shop/internal/legacy"
	"example.com/shop/internal/lifecycle"
	"example.com/shop/internal/loadgen"
	"example.com/shop/internal/metrics"
	"example.com/shop/internal/notify"
	"example.com/shop/internal/orders"
	"example.com/shop/internal/payments"
	"example.com/shop/internal/platform"
	"example.com/shop/internal/plugin"
	"example.com/shop/internal/pricing"
	"example.com/shop/internal/queue"
	"example.com/shop/internal/render"
	"example.com/shop/internal/session"
	"example.com/shop/internal/shipping"
	"example.com/shop/internal/supervisor"
	"example.com/shop/internal/worker"
)

// keep holds every scenario's objects so that only the goroutines meant to
// be unreachable are unreachable (this matters for the goroutine leak
// profile).
var keep []interface{}

type scenario struct {
	name  string
	start func(a *app) error
}

// Scenarios run in this order; the order fixes the goroutine id layout.
var scenarios = []scenario{
	{"fanout", startFanout},
	{"chanrecv", startChanRecv},
	{"nilchan", startNilChan},
	{"selectnone", startSelectNone},
	{"ctxwait", startCtxWait},
	{"mutex", startMutex},
	{"rwmutex", startRWMutex},
	{"waitgroup", startWaitGroup},
	{"cond", startCond},
	{"connwrite", startConnWrite},
	{"sleeploop", startSleepLoop},
	{"ticker", startTicker},
	{"connread", startConnRead},
	{"httpbody", startHTTPBody},
	{"stuckhandler", startStuckHandler},
	{"sqlopen", startSQLOpen},
	{"lockedthread", startLockedThread},
	{"deep", startDeep},
	{"deepsyscall", startDeepSyscall},
	{"syscall", startSyscall},
	{"busy", startBusy},
	{"accept", startAccept},
	{"pool", startPool},
	{"signals", startSignals},
}

// optional scenarios run only when named in -scenarios (not part of all),
// after the ones above.
var optional = []scenario{
	{"http2", startHTTP2},
	{"sleeppoll", startSleepPoll},
}

// deadlockSafe lists scenarios that use neither timers nor the network, so
// the runtime can still detect that every goroutine is asleep.
var deadlockSafe = "fanout,chanrecv,nilchan,selectnone,mutex,rwmutex,waitgroup,cond,lockedthread,deep,pool"

type app struct {
	lifetime time.Duration
	requests int // httpbody: requests whose bodies are left open
	stopping chan struct{}
	stopOnce sync.Once
	counter  lifecycle.Counter
}

func (a *app) stop() { a.stopOnce.Do(func() { close(a.stopping) }) }

func main() {
	var (
		list       = flag.String("scenarios", "all", "comma-separated scenarios, or all, or deadlock-safe")
		listen     = flag.String("listen", "127.0.0.1:0", "admin (pprof) listen address; empty disables it")
		ready      = flag.String("ready", "", "file to write the admin address to once every scenario is parked")
		panicAfter = flag.Duration("panic-after", 0, "panic in an order-journal goroutine after this long (0: never)")
		lifetime   = flag.Duration("lifetime", 3*time.Minute, "exit after this long")
		mode       = flag.String("mode", "serve", "serve, deadlock, selectmain, race or race-only")
		logTo      = flag.String("log", "stdout", "application log destination: stdout or stderr")
		fetch      = flag.String("fetch", "", "client mode: GET this URL, write the body to -o, exit")
		out        = flag.String("o", "-", "output file for -fetch")
		count      = flag.Int("n", 1, "client mode: repeat the GET n times (body of the last one kept)")
		requests   = flag.Int("httpbody-requests", 20, "httpbody scenario: number of requests whose bodies are never closed")
	)
	flag.Parse()
	if *fetch != "" {
		if err := fetchURL(*fetch, *out, *count); err != nil {
			fmt.Fprintln(os.Stderr, "fetch:", err)
			os.Exit(1)
		}
		return
	}
	if *logTo == "stderr" {
		log.SetOutput(os.Stderr)
	} else {
		log.SetOutput(os.Stdout)
	}
	log.SetFlags(log.LstdFlags | log.Lmicroseconds | log.LUTC)

	a := &app{lifetime: *lifetime, requests: *requests, stopping: make(chan struct{})}
	selected, err := selectScenarios(*list, *mode)
	if err != nil {
		log.Fatal(err)
	}

	if *mode == "race-only" {
		a.raceCounter()
		log.Printf("shop: %d hits", a.counter.Hits())
		return
	}

	adminAddr := ""
	if *listen != "" && *mode != "deadlock" {
		ln, err := net.Listen("tcp", *listen)
		if err != nil {
			log.Fatal(err)
		}
		adminAddr = ln.Addr().String()
		http.HandleFunc("/api/search", searchHandler)
		go http.Serve(ln, nil)
		log.Printf("shop: admin listening on %s", adminAddr)
	}

	for _, s := range selected {
		if err := s.start(a); err != nil {
			log.Fatalf("scenario %s: %v", s.name, err)
		}
		log.Printf("shop: scenario %s started", s.name)
	}
	if *mode == "race" {
		a.raceCounter()
		log.Printf("shop: %d hits", a.counter.Hits())
	}
	settle()
	log.Printf("shop: %d goroutines parked", runtime.NumGoroutine())
	if *ready != "" {
		if err := os.WriteFile(*ready+".tmp", []byte(adminAddr+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
		if err := os.Rename(*ready+".tmp", *ready); err != nil {
			log.Fatal(err)
		}
	}

	if *mode == "selectmain" {
		// Park main for good, the way many daemons do; the process ends
		// when the lifetime timer fires (or on a signal).
		time.AfterFunc(*lifetime, func() {
			log.Printf("shop: lifetime over, exiting")
			os.Exit(0)
		})
		select {}
	}

	if *mode == "deadlock" {
		// Wait for the shutdown that nobody will ever request.
		var shutdown sync.WaitGroup
		shutdown.Add(1)
		shutdown.Wait()
	}

	var panicC <-chan time.Time
	if *panicAfter > 0 {
		panicC = time.After(*panicAfter)
	}
	select {
	case <-time.After(*lifetime):
		log.Printf("shop: lifetime over, exiting")
	case <-panicC:
		go a.replayJournal()
		time.Sleep(5 * time.Second)
	case <-a.stopping:
		log.Printf("shop: stopped")
	}
}

func selectScenarios(list, mode string) ([]scenario, error) {
	if mode == "deadlock" && list == "all" {
		list = deadlockSafe
	}
	list = strings.Replace(list, "deadlock-safe", deadlockSafe, 1)
	if list == "none" {
		return nil, nil
	}
	if list == "all" {
		return scenarios, nil
	}
	want := map[string]bool{}
	for _, n := range strings.Split(list, ",") {
		want[strings.TrimSpace(n)] = true
	}
	var out []scenario
	for _, s := range append(append([]scenario{}, scenarios...), optional...) {
		if want[s.name] {
			out = append(out, s)
			delete(want, s.name)
		}
	}
	if len(want) > 0 {
		var names []string
		for n := range want {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("unknown scenarios: %s", strings.Join(names, ","))
	}
	return out, nil
}

// settle waits until the goroutine count has been stable for a while, so
// every scenario has reached its blocking point. Bounded to 15 s.
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
	time.Sleep(200 * time.Millisecond)
	// The runtime stamps a blocked goroutine's wait start while a GC cycle
	// scans its stack, using the previous cycle's time: two cycles are needed
	// before a dump taken minutes later shows ", N minutes". A busy program
	// gets those cycles anyway; this one is mostly idle.
	runtime.GC()
	runtime.GC()
}

// replayJournal re-applies journal entries; an unknown order id makes it
// dereference a nil order.
func (a *app) replayJournal() {
	p := orders.NewProcessor()
	p.Apply("ord-1042", "sku-7731")
}

// raceCounter counts two requests from two goroutines without locking.
func (a *app) raceCounter() {
	var wg sync.WaitGroup
	wg.Add(2)
	go a.countRequest(&wg, "/cart")
	time.Sleep(20 * time.Millisecond)
	go a.countRequest(&wg, "/checkout")
	wg.Wait()
}

func (a *app) countRequest(wg *sync.WaitGroup, path string) {
	defer wg.Done()
	a.counter.Inc()
}

func searchHandler(w http.ResponseWriter, r *http.Request) {
	s := catalog.NewSearcher(5)
	res := s.Search(r.Context(), r.URL.Query().Get("q"))
	fmt.Fprintf(w, "shard %d: %v\n", res.Shard, res.Items)
}

func fetchURL(url, out string, n int) error {
	c := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	var body []byte
	for i := 0; i < n; i++ {
		resp, err := c.Get(url)
		if err != nil {
			return err
		}
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s", url, resp.Status)
		}
	}
	if out == "-" {
		_, err := os.Stdout.Write(body)
		return err
	}
	return os.WriteFile(out, body, 0o644)
}

// ---- scenarios ----

func startFanout(a *app) error {
	s := catalog.NewSearcher(41)
	keep = append(keep, s)
	labels := pprof.Labels("endpoint", "/api/search", "tenant", "acme")
	pprof.Do(context.Background(), labels, func(ctx context.Context) {
		res := s.Search(ctx, "boots")
		log.Printf("search: first answer from shard %d", res.Shard)
	})
	return nil
}

func startChanRecv(a *app) error {
	d := notify.NewDispatcher()
	keep = append(keep, d)
	d.Start(30)
	return nil
}

func startNilChan(a *app) error {
	w := &inventory.Watcher{}
	keep = append(keep, w)
	w.Run()
	return nil
}

func startSelectNone(a *app) error {
	s := supervisor.New("shop")
	keep = append(keep, s)
	s.Start()
	return nil
}

func startCtxWait(a *app) error {
	root := session.NewAppContext()
	m := session.NewManager(root)
	keep = append(keep, root, m)
	for i := 0; i < 10; i++ {
		m.Open(i)
	}
	return nil
}

func startMutex(a *app) error {
	st := cache.NewStore()
	keep = append(keep, st)
	go st.Refresh()
	time.Sleep(20 * time.Millisecond)
	for i := 0; i < 5; i++ {
		go func(sku string) {
			st.Get(sku)
		}(fmt.Sprintf("sku-%d", i))
	}
	return nil
}

func startRWMutex(a *app) error {
	r := config.NewRegistry()
	keep = append(keep, r)
	go r.Snapshot()
	time.Sleep(20 * time.Millisecond)
	go r.Reload(map[string]string{"currency": "EUR"})
	time.Sleep(20 * time.Millisecond)
	for i := 0; i < 4; i++ {
		go func() {
			r.Lookup("currency")
		}()
	}
	return nil
}

func startWaitGroup(a *app) error {
	for i := 0; i < 2; i++ {
		b := &orders.Batch{Orders: []orders.Order{{ID: "a", Amount: 1}, {ID: "b", Amount: 2}, {ID: "c", Amount: 3}}}
		keep = append(keep, b)
		b.SettleAsync()
	}
	return nil
}

func startCond(a *app) error {
	q := queue.New()
	keep = append(keep, q)
	q.Consume(4, func(string) {})
	return nil
}

func startConnWrite(a *app) error {
	col, err := audit.Listen()
	if err != nil {
		return err
	}
	sh, err := audit.Dial(col.Addr(), 32<<20)
	if err != nil {
		return err
	}
	keep = append(keep, col, sh)
	sh.FlushAll(6)
	return nil
}

func startSleepLoop(a *app) error {
	s := &janitor.Sweeper{Interval: time.Hour}
	keep = append(keep, s)
	s.Start()
	return nil
}

func startTicker(a *app) error {
	for _, n := range []string{"orders", "payments", "http"} {
		r := &metrics.Reporter{Name: n}
		keep = append(keep, r)
		r.Start(time.Hour)
	}
	return nil
}

func startConnRead(a *app) error {
	d, err := legacy.Start()
	if err != nil {
		return err
	}
	keep = append(keep, d)
	for i := 0; i < 4; i++ {
		c, err := legacy.Dial(d.Addr())
		if err != nil {
			return err
		}
		keep = append(keep, c)
		c.QueryAsync(fmt.Sprintf("sku-%d", 100+i), func(string) {})
	}
	return nil
}

func startHTTPBody(a *app) error {
	srv, err := pricing.StartServer()
	if err != nil {
		return err
	}
	c := pricing.NewClient(srv.URL)
	keep = append(keep, srv, c)
	for i := 0; i < a.requests; i++ {
		if err := c.FetchQuote(fmt.Sprintf("sku-%d", 200+i)); err != nil {
			return err
		}
	}
	return nil
}

func startStuckHandler(a *app) error {
	h := api.NewOrderHandler()
	srv, err := api.Start(h)
	if err != nil {
		return err
	}
	r := loadgen.NewRunner(srv.URL)
	keep = append(keep, h, srv, r)
	r.Fire(6)
	return nil
}

func startSQLOpen(a *app) error {
	repo := &payments.Repo{DSN: "mem://payments"}
	keep = append(keep, repo)
	for i := 0; i < 10; i++ {
		if _, err := repo.ChargeCard(fmt.Sprintf("card-%d", i), 1999); err != nil {
			return err
		}
	}
	return nil
}

func startLockedThread(a *app) error {
	for _, n := range []string{"netns-blue", "netns-green"} {
		r := &platform.NamespaceRunner{Name: n}
		keep = append(keep, r)
		r.Start()
	}
	return nil
}

func startDeep(a *app) error {
	e := render.NewEngine()
	keep = append(keep, e)
	e.LayoutAsync(render.Chain(150))
	return nil
}

func startDeepSyscall(a *app) error {
	d, err := plugin.NewDecoder()
	if err != nil {
		return err
	}
	keep = append(keep, d)
	d.DecodeAsync(130)
	return nil
}

func startSyscall(a *app) error {
	h, err := plugin.Open()
	if err != nil {
		return err
	}
	keep = append(keep, h)
	h.Start()
	return nil
}

func startBusy(a *app) error {
	o := &pricing.Optimizer{Deadline: time.Now().Add(a.lifetime)}
	keep = append(keep, o)
	o.Start(2)
	return nil
}

func startAccept(a *app) error {
	l, err := gateway.Listen()
	if err != nil {
		return err
	}
	keep = append(keep, l)
	return nil
}

func startPool(a *app) error {
	var p *worker.Pool
	pprof.Do(context.Background(), pprof.Labels("pool", "thumbnails"), func(context.Context) {
		p = worker.NewPool(4)
	})
	keep = append(keep, p)
	return nil
}

func startSignals(a *app) error {
	lifecycle.Watch(func(sig os.Signal) {
		log.Printf("shop: %v received, stopping", sig)
		a.stop()
	})
	return nil
}

func startHTTP2(a *app) error {
	o, err := edge.StartOrigin()
	if err != nil {
		return err
	}
	keep = append(keep, o)
	for _, name := range []string{"edge-fra", "edge-ams", "edge-lhr", "edge-cdg"} {
		n := edge.NewNode(name, o)
		keep = append(keep, n)
		proto, err := n.Pull("/assets/site.css")
		if err != nil {
			return err
		}
		if proto != "HTTP/2.0" {
			return fmt.Errorf("%s: got %s, want HTTP/2.0", name, proto)
		}
	}
	return nil
}

func startSleepPoll(a *app) error {
	t := shipping.NewTracker(15 * time.Minute)
	keep = append(keep, t)
	for i := 0; i < 6; i++ {
		t.Track(fmt.Sprintf("parcel-%d", 5100+i))
	}
	return nil
}
