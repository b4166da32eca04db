// Package edge is the origin the edge nodes pull assets from, over HTTP/2
// with TLS. Every edge node keeps its own connection open between pulls.
package edge

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"time"
)

// Origin serves assets over HTTPS; HTTP/2 is negotiated with ALPN. It has
// no IdleTimeout, so idle client connections stay open.
type Origin struct {
	URL  string
	cert *x509.Certificate
	srv  *http.Server
}

// StartOrigin listens on a loopback port with a self-signed certificate
// made at startup.
func StartOrigin() (*Origin, error) {
	cert, leaf, err := selfSigned()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/assets/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprintf(w, "/* %s via %s */\n", r.URL.Path, r.Proto)
	})
	o := &Origin{
		URL:  "https://" + ln.Addr().String(),
		cert: leaf,
		srv: &http.Server{
			Handler:   mux,
			TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}},
		},
	}
	go o.srv.ServeTLS(ln, "", "")
	return o, nil
}

func selfSigned() (tls.Certificate, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "origin.shop.internal"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf, nil
}

// Node is one edge node with its own HTTP/2 client (and so its own
// connection to the origin).
type Node struct {
	Name   string
	origin string
	client *http.Client
}

// NewNode returns an edge node that trusts o's certificate.
func NewNode(name string, o *Origin) *Node {
	roots := x509.NewCertPool()
	roots.AddCert(o.cert)
	return &Node{Name: name, origin: o.URL, client: &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig:   &tls.Config{RootCAs: roots},
			ForceAttemptHTTP2: true,
		},
	}}
}

// Pull fetches one asset and returns the protocol it came over. The body is
// read and closed; the connection stays in the node's pool, idle.
func (n *Node) Pull(path string) (string, error) {
	resp, err := n.client.Get(n.origin + path)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("edge %s: %s", n.Name, resp.Status)
	}
	return resp.Proto, nil
}
