package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// LoadGen sends the request traffic on a fixed schedule: the k-th request
// of a stream goes at k*period after start, so the size of each leak at a
// given age is floor(age/period).
type LoadGen struct {
	base   string
	client *http.Client
}

func newLoadGen(base string) *LoadGen {
	// No keep-alive: every request has its own connection and its own
	// conn.serve goroutine, gone once the request is answered.
	tr := &http.Transport{DisableKeepAlives: true}
	return &LoadGen{base: base, client: &http.Client{Transport: tr, Timeout: 2 * time.Second}}
}

func (lg *LoadGen) get(path string) {
	resp, err := lg.client.Get(lg.base + path)
	if err != nil {
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func (lg *LoadGen) every(ctx context.Context, t0 time.Time, period time.Duration, path func(k int) string) {
	for k := 1; ; k++ {
		select {
		case <-time.After(time.Until(t0.Add(time.Duration(k) * period))):
		case <-ctx.Done():
			return
		}
		go lg.get(path(k))
	}
}

func (lg *LoadGen) run(ctx context.Context) {
	t0 := time.Now()
	lg.get("/reindex")
	streams := []struct {
		period time.Duration
		path   func(k int) string
	}{
		{500 * time.Millisecond, func(k int) string { return fmt.Sprintf("/search?q=q%d", k%50) }},
		{300 * time.Millisecond, func(k int) string { return fmt.Sprintf("/order?tenant=%d&id=%d", k, k) }},
		{12500 * time.Millisecond, func(k int) string { return "/batch" }},              // 288/h
		{25 * time.Second, func(k int) string { return fmt.Sprintf("/ship?id=%d", k) }}, // 144/h
		{37500 * time.Millisecond, func(k int) string { return "/upload" }},             // 96/h
		{50 * time.Second, func(k int) string { return "/price?sku=sku-1" }},            // 72/h
		{16666666667, func(k int) string { return "/rate" }},                            // 216/h
		{75 * time.Second, func(k int) string { return "/subscribe?topic=t" }},          // 48/h
	}
	for _, st := range streams {
		go lg.every(ctx, t0, st.period, st.path)
	}
	<-ctx.Done()
}
