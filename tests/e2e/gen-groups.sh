#!/bin/sh
# Writes a generated dump that stresses the grouper, on stdout:
#
#   gen-groups.sh flood N     N distinct stacks whose function names differ
#                             only in bytes 8-15, which a hash that samples
#                             a string's length, head, middle and tail
#                             never reads
#   gen-groups.sh spread N    the control: the same sizes, the differing
#                             bytes at the end of the name
#   gen-groups.sh hidden N    debug=1: N labelled records (one each, as
#                             pprof labels make them) that show no telling
#                             frame, then one whose frame tells the category
#                             they all take (same hidden runtime frames)
#   gen-groups.sh told N      the control: N+1 labelled records of the same
#                             size, each showing a telling frame
#   gen-groups.sh nul N CHAR  N identical goroutines with CHAR (a byte, given
#                             in octal as for tr) in their state and labels
#
# awk prints the variable bytes with a placeholder that tr turns into CHAR.
set -eu
mode=$1
n=$2
case $mode in
flood | spread)
	awk -v n="$n" -v mode="$mode" 'BEGIN {
		for (i = 1; i <= n; i++) {
			# 40-byte names: "main.han" + 8 digits + 24 more bytes
			if (mode == "flood")
				f = sprintf("main.han%08ddler_of_all_the_requests", i)
			else
				f = sprintf("main.handler_of_all_the_requests%08d", i)
			printf "goroutine %d [chan receive]:\n%s()\n", i + 1, f
			printf "\t/app/handler.go:42 +0x1d\n"
			printf "created by main.main in goroutine 1\n"
			printf "\t/app/main.go:17 +0x37\n\n"
		}
	}'
	;;
hidden | told)
	awk -v n="$n" -v mode="$mode" 'BEGIN {
		# same length, so both inputs have the same size
		tell = "net/http.(*persistConn).readLoop"
		quiet = "main.(*upstreamClient).waitReply"
		printf "goroutine profile: total %d\n", n + 1
		for (i = 0; i <= n; i++) {
			f = (i == n || mode == "told") ? tell : quiet
			# the pcs before the frame shown are the hidden ones
			printf "1 @ 0x48808e 0x465085 0x668d66 0x48f7e1\n"
			printf "# labels: {\"request\":\"%08d\"}\n", i
			printf "#\t0x668d65\t%s+0xe5\t/app/client.go:88\n\n", f
		}
	}'
	;;
nul)
	awk -v n="$n" 'BEGIN {
		for (i = 1; i <= n; i++) {
			# spawned one per request, each parent gone: a leak
			printf "goroutine %d [chan receive@]", 3 * i + 100
			printf " {\"tenant\":\"a@b\"}:\n"
			printf "main.leak()\n\t/app/leak.go:9 +0x1d\n"
			printf "created by main.serve in goroutine %d\n", 3 * i + 99
			printf "\t/app/serve.go:20 +0x2a\n\n"
		}
	}' | tr '@' "$3"
	;;
*)
	echo "usage: gen-groups.sh flood|spread|hidden|told|nul N [CHAR]" >&2
	exit 2
	;;
esac
