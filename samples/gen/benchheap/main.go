// Command benchheap writes a heap profile with -n distinct allocation
// sites (100,000 by default) for make bench, in protobuf (-pb) and debug=1
// text (-text) form, as runtime/pprof writes them.
//
// Every allocation is recorded (MemProfileRate 1) and kept live. Site i
// allocates at the bottom of a chain of calls that spells i in binary:
// left for a 0 bit, right for a 1 bit, each from its own call site, so
// every i has a stack of its own with no generated code.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

var kept [][]byte

const depth = 17 // 2^17 > 100,000: one path per site

//go:noinline
func left(i, bit int) {
	if bit < 0 {
		leaf(i)
		return
	}
	if i>>bit&1 == 0 {
		left(i, bit-1)
	} else {
		right(i, bit-1)
	}
}

//go:noinline
func right(i, bit int) {
	if bit < 0 {
		leaf(i)
		return
	}
	if i>>bit&1 == 0 {
		left(i, bit-1)
	} else {
		right(i, bit-1)
	}
}

//go:noinline
func leaf(i int) {
	// sizes vary so objects differ, 16 to 1024 bytes
	kept = append(kept, make([]byte, 16+i%1009))
}

func write(path string, debug int) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := pprof.Lookup("heap").WriteTo(f, debug); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	n := flag.Int("n", 100000, "distinct allocation sites")
	pb := flag.String("pb", "", "write the protobuf profile (gzip) here")
	text := flag.String("text", "", "write the debug=1 text profile here")
	flag.Parse()
	if *n > 1<<depth {
		fmt.Fprintf(os.Stderr, "benchheap: -n at most %d\n", 1<<depth)
		os.Exit(2)
	}
	runtime.MemProfileRate = 1
	kept = make([][]byte, 0, *n)
	for i := 0; i < *n; i++ {
		left(i, depth-1)
	}
	runtime.GC() // the profile shows allocations as of the last GC
	if *pb != "" {
		write(*pb, 0)
	}
	if *text != "" {
		write(*text, 1)
	}
	runtime.KeepAlive(kept)
}
