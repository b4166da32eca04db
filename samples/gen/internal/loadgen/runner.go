// Package loadgen replays checkout traffic against the API.
package loadgen

import (
	"net/http"
	"strings"
)

// Runner fires requests with a client that has no timeout.
type Runner struct {
	URL    string
	client *http.Client
}

// NewRunner returns a runner for url.
func NewRunner(url string) *Runner {
	return &Runner{URL: url, client: &http.Client{Transport: &http.Transport{}}}
}

// Fire sends n concurrent checkout requests.
func (r *Runner) Fire(n int) {
	for i := 0; i < n; i++ {
		go r.fire(i)
	}
}

func (r *Runner) fire(i int) {
	req, err := http.NewRequest("POST", r.URL+"/orders", strings.NewReader(`{"cart":"c-1"}`))
	if err != nil {
		return
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return
	}
	resp.Body.Close()
}
