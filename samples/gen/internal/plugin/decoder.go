package plugin

import (
	"syscall"
	"unsafe"
)

// Decoder parses nested plugin manifests straight from a pipe with a
// recursive-descent parser. Each nesting level recurses once; at the bottom
// it asks the pipe for more input with a raw read(2).
type Decoder struct {
	rfd, wfd int
	buf      [512]byte
	depth    int
}

// NewDecoder creates the pipe.
func NewDecoder() (*Decoder, error) {
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		return nil, err
	}
	return &Decoder{rfd: p[0], wfd: p[1]}, nil
}

// DecodeAsync parses a manifest nested levels deep on its own goroutine.
func (d *Decoder) DecodeAsync(levels int) {
	go d.decodeValue(levels)
}

func (d *Decoder) decodeValue(remaining int) int {
	if remaining > 0 {
		d.depth++
		return d.decodeValue(remaining-1) + 1
	}
	n, _, errno := syscall.Syscall(syscall.SYS_READ, uintptr(d.rfd), uintptr(unsafe.Pointer(&d.buf[0])), uintptr(len(d.buf)))
	if errno != 0 {
		return 0
	}
	return int(n)
}
