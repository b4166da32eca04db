// Package plugin hosts out-of-process plugins that talk over pipes.
package plugin

import "syscall"

// Host reads frames from a plugin's pipe with a blocking read(2), outside
// the runtime's network poller.
type Host struct {
	rfd, wfd int
	frames   int
}

// Open creates the pipe.
func Open() (*Host, error) {
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		return nil, err
	}
	return &Host{rfd: p[0], wfd: p[1]}, nil
}

// Start launches the reader; the plugin never writes.
func (h *Host) Start() { go h.readFrames() }

func (h *Host) readFrames() {
	buf := make([]byte, 4096)
	for {
		n, err := syscall.Read(h.rfd, buf)
		if err != nil || n == 0 {
			return
		}
		h.frames++
	}
}
