// Package gateway accepts partner connections.
package gateway

import (
	"net"
)

// Listener is a plain accept loop; each connection is answered and closed.
type Listener struct {
	ln net.Listener
}

// Listen starts the accept loop on a loopback port.
func Listen() (*Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	l := &Listener{ln: ln}
	go l.acceptLoop()
	return l, nil
}

func (l *Listener) acceptLoop() {
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		go func(c net.Conn) {
			_, _ = c.Write([]byte("220 gateway ready\r\n"))
			c.Close()
		}(c)
	}
}
