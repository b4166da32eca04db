// Package legacy talks to the old inventory daemon over a line protocol.
package legacy

import (
	"bufio"
	"net"
	"sync"
)

// Client sends a request and reads the reply with no deadline.
type Client struct {
	conn net.Conn
	r    *bufio.Reader
}

// Dial connects to the daemon.
func Dial(addr string) (*Client, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Client{conn: c, r: bufio.NewReader(c)}, nil
}

// QueryAsync sends a stock query and waits for the reply on a goroutine.
func (c *Client) QueryAsync(sku string, done func(string)) {
	go func() {
		reply, _ := c.query(sku)
		done(reply)
	}()
}

func (c *Client) query(sku string) (string, error) {
	if _, err := c.conn.Write([]byte("STOCK " + sku + "\n")); err != nil {
		return "", err
	}
	return c.readReply()
}

func (c *Client) readReply() (string, error) {
	return c.r.ReadString('\n')
}

// Daemon is a stand-in for the old daemon: it reads a request and then
// waits for its storage backend, which never becomes ready.
type Daemon struct {
	ln    net.Listener
	ready chan struct{}
	mu    sync.Mutex
	seen  int
}

// Start listens on a loopback port.
func Start() (*Daemon, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	d := &Daemon{ln: ln, ready: make(chan struct{})}
	go d.acceptLoop()
	return d, nil
}

// Addr returns the listen address.
func (d *Daemon) Addr() string { return d.ln.Addr().String() }

func (d *Daemon) acceptLoop() {
	for {
		conn, err := d.ln.Accept()
		if err != nil {
			return
		}
		go d.handle(conn)
	}
}

func (d *Daemon) handle(conn net.Conn) {
	r := bufio.NewReader(conn)
	if _, err := r.ReadString('\n'); err != nil {
		return
	}
	d.mu.Lock()
	d.seen++
	d.mu.Unlock()
	<-d.ready
	_, _ = conn.Write([]byte("OK\n"))
}
