// Package api is the public HTTP API.
package api

import (
	"io"
	"net"
	"net/http"
)

// OrderHandler waits for a fraud-check approval before answering. The fraud
// service never answers, so every request hangs inside the handler.
type OrderHandler struct {
	approvals chan bool
}

// NewOrderHandler returns a handler whose approvals never arrive.
func NewOrderHandler() *OrderHandler { return &OrderHandler{approvals: make(chan bool)} }

func (h *OrderHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, err := io.ReadAll(r.Body); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if ok := h.awaitApproval(r); !ok {
		http.Error(w, "rejected", http.StatusForbidden)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (h *OrderHandler) awaitApproval(r *http.Request) bool {
	return <-h.approvals
}

// Server serves the API on a loopback port.
type Server struct {
	URL string
	srv *http.Server
}

// Start listens on a loopback port.
func Start(h http.Handler) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/orders", h)
	s := &Server{URL: "http://" + ln.Addr().String(), srv: &http.Server{Handler: mux}}
	go s.srv.Serve(ln)
	return s, nil
}
