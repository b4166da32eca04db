// Command liveserver is the end-to-end test target of gtriage's fetching
// tools: a program serving net/http/pprof on 127.0.0.1 that leaks
// goroutines at a known rate beside a worker pool that never grows, plus
// endpoints that fail in each way a real server can.
//
// It listens on a port the OS picks, writes "PORT\n" to -addr-file (and
// stdout) once it serves, and exits by itself after -limit.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"
)

const poolSize = 8

var (
	leakMu sync.Mutex
	leaked []chan struct{} // kept reachable: these goroutines wait forever
	jobs   = make(chan int)
)

// leakyWaiter is the leak: a request handler that waits for a reply nobody
// will ever send. Its name is what the tests look for.
func leakyWaiter(reply chan struct{}) {
	<-reply
}

// leakAt starts perSecond leaking goroutines a second, spread evenly so a
// snapshot at any moment sees a count that rises smoothly with time.
func leakAt(perSecond int) {
	tick := time.NewTicker(time.Second / time.Duration(perSecond))
	defer tick.Stop()
	for range tick.C {
		spawnLeak()
	}
}

// spawnLeak starts one leaking goroutine; the backlog and the steady leak
// share it, so they share a stack and a fingerprint.
func spawnLeak() {
	ch := make(chan struct{})
	leakMu.Lock()
	leaked = append(leaked, ch)
	leakMu.Unlock()
	go leakyWaiter(ch)
}

// poolWorker is the healthy part: a fixed pool waiting for jobs.
func poolWorker(id int) {
	for j := range jobs {
		_ = j * id
	}
}

func dump() []byte {
	var b bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&b, 2)
	return b.Bytes()
}

func serveDump(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(dump())
}

// wait sleeps d or until the client goes away.
func wait(r *http.Request, d time.Duration) {
	select {
	case <-r.Context().Done():
	case <-time.After(d):
	}
}

const loginPage = `<!DOCTYPE html>
<html><head><title>Sign in</title></head>
<body><form method="post" action="/login">
<input name="user"><input name="password" type="password">
<button>Sign in</button></form></body></html>
`

func main() {
	addrFile := flag.String("addr-file", "", "write the port here once serving")
	limit := flag.Duration("limit", 120*time.Second, "exit after this long")
	rate := flag.Int("leak", 20, "goroutines leaked per second")
	backlog := flag.Int("backlog", 0, "goroutines already leaked at start, as in a process that has leaked for hours")
	freePort := flag.Bool("free-port", false, "print a port nobody listens on, and exit")
	hoardKB := flag.Int("hoard", 0, "KiB of heap kept for good per second (main.hoard), beside a table that never changes (main.steadyTable)")
	flag.Parse()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if *freePort {
		ln.Close()
		fmt.Println(port)
		return
	}

	for i := 0; i < poolSize; i++ {
		go poolWorker(i)
	}
	for i := 0; i < *backlog; i++ {
		spawnLeak()
	}
	if *rate > 0 {
		go leakAt(*rate)
	}
	if *hoardKB > 0 {
		// every 32 KiB chunk sampled: the heap profile counts each one
		runtime.MemProfileRate = 4096
		steadyTable()
		go hoardAt(*hoardKB)
	}
	time.AfterFunc(*limit, func() { os.Exit(0) })

	http.HandleFunc("/status/", func(w http.ResponseWriter, r *http.Request) {
		code, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/status/"))
		if err != nil || code < 100 || code > 599 {
			code = 400
		}
		http.Error(w, http.StatusText(code), code)
	})
	// Sends half a dump, then stalls: slower than any test's --max-time.
	http.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		d := dump()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(d)))
		w.Write(d[:len(d)/2])
		w.(http.Flusher).Flush()
		wait(r, 60*time.Second)
		w.Write(d[len(d)/2:])
	})
	// Sends nothing at all for a long time.
	http.HandleFunc("/stall", func(w http.ResponseWriter, r *http.Request) {
		wait(r, 60*time.Second)
		serveDump(w)
	})
	http.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, loginPage)
	})
	// Half of a real dump, then the connection is closed under it. The
	// cut falls where it most often does in real captures: after a
	// function line, before its file:line line.
	http.HandleFunc("/cut", func(w http.ResponseWriter, r *http.Request) {
		d := dump()
		cut := len(d) / 2
		for {
			i := bytes.Index(d[cut:], []byte("\n\t"))
			if i < 0 {
				break
			}
			line := d[bytes.LastIndexByte(d[:cut+i], '\n')+1 : cut+i]
			cut += i + 1
			if !bytes.HasPrefix(line, []byte("created by ")) {
				break
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(d)))
		w.WriteHeader(http.StatusOK)
		w.Write(d[:cut])
		w.(http.Flusher).Flush()
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		buf.Flush()
		conn.Close()
	})
	http.HandleFunc("/auth", func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != "user" || pass != "pass" {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		if r.Header.Get("X-Token") != "t" {
			http.Error(w, "missing or wrong X-Token header", http.StatusForbidden)
			return
		}
		serveDump(w)
	})
	// The dump with Content-Encoding: gzip, for clients that ask for it.
	http.HandleFunc("/gzip", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			http.Error(w, "this test wants Accept-Encoding: gzip", http.StatusNotAcceptable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		z := gzip.NewWriter(w)
		z.Write(dump())
		z.Close()
	})
	// A gzip file served as it is, no Content-Encoding (a stored .txt.gz).
	http.HandleFunc("/dump.txt.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/gzip")
		z := gzip.NewWriter(w)
		z.Write(dump())
		z.Close()
	})
	http.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/debug/pprof/goroutine?debug=2", http.StatusFound)
	})
	// /redirect-to?url=U: a redirect to any URL, credentials in it too.
	http.HandleFunc("/redirect-to", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", r.URL.Query().Get("url"))
		w.WriteHeader(http.StatusFound)
	})
	// A careless server that quotes the credentials it got in its error.
	http.HandleFunc("/echo-auth", func(w http.ResponseWriter, r *http.Request) {
		msg := "rejected " + r.Header.Get("Authorization") + " " +
			r.Header.Get("Cookie") + " " + r.URL.RawQuery
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Echo", msg)
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintln(w, msg)
	})
	http.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	// /delay/<anything>?ms=N: the dump after N ms, one path per target so
	// that many targets can live on one server (the benchmark).
	http.HandleFunc("/delay/", func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.Query().Get("ms"))
		wait(r, time.Duration(ms)*time.Millisecond)
		serveDump(w)
	})

	if *addrFile != "" {
		tmp := *addrFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(fmt.Sprintf("%d\n", port)), 0o644); err != nil {
			log.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Clean(*addrFile)); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(port)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}

var (
	hoardMu sync.Mutex
	hoarded [][]byte
	steady  [][]byte
)

// hoard keeps a 32 KiB chunk for good: a heap site that only grows.
func hoard() {
	b := make([]byte, 32<<10)
	hoardMu.Lock()
	hoarded = append(hoarded, b)
	hoardMu.Unlock()
}

func hoardAt(kbPerSec int) {
	every := time.Second * 32 / time.Duration(kbPerSec)
	for range time.Tick(every) {
		hoard()
	}
}

// steadyTable allocates 1 MiB once and keeps it: a site that never grows.
func steadyTable() {
	for i := 0; i < 32; i++ {
		steady = append(steady, make([]byte, 32<<10))
	}
}
