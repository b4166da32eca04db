package main

// The load generator: clients of the service calling it on a fixed
// schedule. Request k of a route is sent k periods after the start, so the
// number of requests (and of leaked goroutines) at any process age is known.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

type route struct {
	every time.Duration
	path  func(n int) string
}

func fixed(p string) func(int) string { return func(int) string { return p } }

// LoadGen drives the routes with throw-away connections, as traffic from
// many independent clients does.
type LoadGen struct {
	base   string
	client *http.Client
	sent   int
}

func newLoadGen(base string) *LoadGen {
	tr := &http.Transport{DisableKeepAlives: true}
	return &LoadGen{base: base, client: &http.Client{Transport: tr, Timeout: 2 * time.Second}}
}

func (lg *LoadGen) start(ctx context.Context, crashAfter time.Duration) {
	routes := []route{
		{500 * time.Millisecond, func(n int) string { return fmt.Sprintf("/orders?id=%d", n) }},
		{time.Second, func(n int) string { return fmt.Sprintf("/quote?sku=sku-%d", n%32) }},
		{time.Second, fixed("/search?q=boots")},
		{2 * time.Second, func(n int) string { return fmt.Sprintf("/prices?tick=%d", n) }},
		{10 * time.Second, fixed("/batch?items=a,b,c")},
		{20 * time.Second, func(n int) string { return fmt.Sprintf("/checkout?cart=%d", n) }},
		{5 * time.Minute, func(n int) string { return fmt.Sprintf("/config?rev=%d", n) }},
		// the requests that take a faulty path
		{10 * time.Second, func(n int) string { return fmt.Sprintf("/login?user=u%d", n) }},
		{15 * time.Second, fixed("/quote?sku=bulk")},
		{20 * time.Second, fixed("/watch?sku=sku-3")},
		{30 * time.Second, fixed("/routes/lookup?name=a")},
		{40 * time.Second, fixed("/batch?items=a,,c")},
	}
	for _, r := range routes {
		go lg.drive(ctx, r)
	}
	rs := &ReportSync{url: lg.base + "/export", every: time.Minute, client: &http.Client{Transport: &http.Transport{}}}
	go rs.run(ctx)
	time.AfterFunc(5*time.Second, func() { lg.call("/routes/reload") })
	if crashAfter > 0 {
		time.AfterFunc(crashAfter, func() { lg.call("/quote?sku=retired") })
	}
}

func (lg *LoadGen) drive(ctx context.Context, r route) {
	t := time.NewTicker(r.every)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			go lg.call(r.path(n))
		}
	}
}

func (lg *LoadGen) call(path string) {
	resp, err := lg.client.Get(lg.base + path)
	if err != nil {
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// ReportSync pulls the order export once a minute. It checks the content
// type before it reads, and returns early without closing the body.
type ReportSync struct {
	url    string
	every  time.Duration
	client *http.Client
	rows   int
}

func (r *ReportSync) run(ctx context.Context) {
	t := time.NewTicker(r.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.pull()
		}
	}
}

func (r *ReportSync) pull() error {
	resp, err := r.client.Get(r.url)
	if err != nil {
		return err
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		return fmt.Errorf("export: unexpected content type %q", ct)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	r.rows += int(n)
	return err
}
