// Package pricing fetches quotes from the pricing service.
package pricing

import (
	"fmt"
	"net"
	"net/http"
	"time"
)

// Client calls the pricing service. FetchQuote checks the status code and
// returns without closing the body, so every call leaves its connection's
// read and write loops behind.
type Client struct {
	base string
	http *http.Client
}

// NewClient returns a client for base.
func NewClient(base string) *Client {
	return &Client{base: base, http: &http.Client{Transport: &http.Transport{
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     time.Hour,
	}}}
}

// FetchQuote asks for one SKU's price.
func (c *Client) FetchQuote(sku string) error {
	resp, err := c.http.Get(c.base + "/quote?sku=" + sku)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("pricing: %s", resp.Status)
	}
	return nil
}

type quoteHandler struct{}

func (quoteHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"sku":%q,"price":1999}`, r.URL.Query().Get("sku"))
}

// Server is the local pricing service.
type Server struct {
	URL string
	srv *http.Server
}

// StartServer listens on a loopback port.
func StartServer() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), srv: &http.Server{Handler: quoteHandler{}}}
	go s.srv.Serve(ln)
	return s, nil
}
