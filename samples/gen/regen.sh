#!/usr/bin/env bash
# Regenerates every goroutine dump under samples/ from the programs in
# samples/gen. Runs from any directory.
#
#   samples/gen/regen.sh            everything (about 17 minutes: the
#                                   service captures take 16.5 minutes, the
#                                   "longwait" captures wait 11 minutes, the
#                                   "minutes" captures 70 s, in parallel)
#   SKIP_SERVICE=1 samples/gen/regen.sh   keep the existing *-service-*.txt,
#                                   *-service2-*.txt and series-service/
#                                   (service/capture.sh, service2/capture.sh)
#   SKIP_LONG=1 samples/gen/regen.sh      keep the existing *-longwait.txt
#                                   (2-3 minutes)
#   SKIP_MINUTES=1 samples/gen/regen.sh   keep the existing *-minutes.txt
#   PROTO_ONLY=1 samples/gen/regen.sh     only the protobuf profiles and
#                                   their text twins (Go 1.26 only, 10 s)
#
# Toolchains: Go 1.26 as `go` on PATH (or $GO126), Go 1.19 at
# /usr/lib/go-1.19/bin/go (or $GO119; Debian: apt-get install golang-1.19-go).
# The race captures need cgo and a C compiler.
#
# Goroutine ids, addresses and timings differ between runs; the set of
# goroutines does not. check.py verifies the expected counts after capture.
set -euo pipefail

GEN="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SAMPLES="$(cd "$GEN/.." && pwd)"
GO126="${GO126:-go}"
GO119="${GO119:-/usr/lib/go-1.19/bin/go}"
SKIP_MINUTES="${SKIP_MINUTES:-0}"
SKIP_LONG="${SKIP_LONG:-0}"
SKIP_SERVICE="${SKIP_SERVICE:-0}"
PROTO_ONLY="${PROTO_ONLY:-0}"
PYTHON="${PYTHON:-python3}"

# cgo off: static binaries, and the runtime's deadlock detector does not
# work in cgo programs. Only the -race build turns it back on.
export GOTOOLCHAIN=local GOFLAGS=-trimpath GOWORK=off CGO_ENABLED=0
# The runtime's own goroutines (GC workers) scale with GOMAXPROCS: pin it so
# GOTRACEBACK=system/crash dumps have the same shape on every machine.
export GOMAXPROCS=2
unset GODEBUG GOTRACEBACK GOEXPERIMENT

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]:-}"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT

log() { printf 'regen: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

goversion() { # prints go1.26 / go1.19
	"$1" env GOVERSION | sed -E 's/^(go[0-9]+\.[0-9]+).*/\1/'
}

V126="$(goversion "$GO126")" || die "no Go toolchain at $GO126"
if [ "$PROTO_ONLY" = 1 ]; then
	V119=go1.19
else
	V119="$(goversion "$GO119")" || die "no Go toolchain at $GO119 (set GO119)"
fi
[ "$V126" = go1.26 ] || log "warning: \$GO126 is $V126, not go1.26; files are named after it"
[ "$V119" = go1.19 ] || log "warning: \$GO119 is $V119, not go1.19; files are named after it"

build() { # build <go> <out> [extra build args...]
	local gobin="$1" out="$2"
	shift 2
	(cd "$GEN" && "$gobin" build -trimpath "$@" -o "$out" ./leaky)
}

log "building with $V126 and $V119"
build "$GO126" "$WORK/leaky-$V126"
[ "$PROTO_ONLY" = 1 ] || build "$GO119" "$WORK/leaky-$V119"
(cd "$GEN" && GOEXPERIMENT=goroutineleakprofile "$GO126" build -trimpath -o "$WORK/leaky-leak" ./leaky)
[ "$PROTO_ONLY" = 1 ] || (cd "$GEN" && CGO_ENABLED=1 "$GO126" build -trimpath -race -o "$WORK/leaky-race" ./leaky)
FETCH="$WORK/leaky-$V126"

# start <name> <binary> [args...]: runs the program in the background with
# stdout in $WORK/<name>.out and stderr in $WORK/<name>.err, waits until it
# reports that every scenario is parked, and sets PID and ADDR.
start() {
	local name="$1" bin="$2"
	shift 2
	rm -f "$WORK/$name.ready"
	"$bin" -ready "$WORK/$name.ready" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	PID=$!
	PIDS+=("$PID")
	local i
	for i in $(seq 1 300); do
		[ -f "$WORK/$name.ready" ] && break
		kill -0 "$PID" 2>/dev/null || die "$name exited early: $(tail -5 "$WORK/$name.err")"
		sleep 0.1
	done
	[ -f "$WORK/$name.ready" ] || die "$name did not get ready"
	ADDR="$(cat "$WORK/$name.ready")"
}

# finish <pid>: waits for the program to exit by itself (bounded).
finish() {
	local pid="$1" i
	for i in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
		die "process $pid did not exit"
	fi
	wait "$pid" 2>/dev/null || true
	local rest=() p
	for p in "${PIDS[@]:-}"; do
		[ "$p" = "$pid" ] || rest+=("$p")
	done
	PIDS=("${rest[@]:-}")
}

fetch() { # fetch <url> <out>
	"$FETCH" -fetch "$1" -o "$2"
}

# ---- protobuf (debug=0) profiles, each with its text twins taken from the
# same process one after the other (the scenarios are parked by then). All
# scenarios but "busy", whose spinning goroutine is caught at another line
# by each capture. ----
PROTO_SCEN="fanout,chanrecv,nilchan,selectnone,ctxwait,mutex,rwmutex,waitgroup,cond,connwrite,sleeploop,ticker,connread,httpbody,stuckhandler,sqlopen,lockedthread,deep,deepsyscall,syscall,accept,pool,signals"
proto_captures() {
	log "$V126: protobuf goroutine profile, with debug=2 and debug=1"
	start proto "$WORK/leaky-$V126" -scenarios "$PROTO_SCEN" -lifetime 60s
	fetch "http://$ADDR/debug/pprof/goroutine?debug=2" "$SAMPLES/$V126-proto-debug2.txt"
	fetch "http://$ADDR/debug/pprof/goroutine?debug=1" "$SAMPLES/$V126-proto-debug1.txt"
	fetch "http://$ADDR/debug/pprof/goroutine?debug=0" "$SAMPLES/$V126-proto.pb.gz"
	# profiles of other types, for the "not a goroutine profile" message
	fetch "http://$ADDR/debug/pprof/profile?seconds=1" "$SAMPLES/$V126-cpu.pb.gz"
	fetch "http://$ADDR/debug/pprof/heap" "$SAMPLES/$V126-heap.pb.gz"
	kill -TERM "$PID"
	finish "$PID"
	log "$V126: protobuf goroutine leak profile, with debug=2 and debug=1"
	start protoleak "$WORK/leaky-leak" -scenarios "$PROTO_SCEN" -lifetime 60s
	fetch "http://$ADDR/debug/pprof/goroutineleak?debug=2" "$SAMPLES/$V126-goroutineleak-debug2.txt"
	fetch "http://$ADDR/debug/pprof/goroutineleak?debug=1" "$SAMPLES/$V126-goroutineleak-debug1.txt"
	fetch "http://$ADDR/debug/pprof/goroutineleak?debug=0" "$SAMPLES/$V126-goroutineleak.pb.gz"
	kill -TERM "$PID"
	finish "$PID"
	# the mapping names the binary by its path in $WORK: keep the base name
	"$PYTHON" "$GEN/pbpath.py" "$WORK" "$SAMPLES/$V126-proto.pb.gz" \
		"$SAMPLES/$V126-goroutineleak.pb.gz" "$SAMPLES/$V126-cpu.pb.gz" \
		"$SAMPLES/$V126-heap.pb.gz"
	# as `go tool pprof` saves a profile: its own encoder, fields in
	# another order
	"$GO126" tool pprof -proto "$SAMPLES/$V126-proto.pb.gz" \
		>"$SAMPLES/$V126-proto-pprof.pb.gz"
}
if [ "$PROTO_ONLY" = 1 ]; then
	proto_captures
	log "done"
	exit 0
fi

# ---- captures that take a while run in the background first ----

MINUTES_SCEN="fanout,mutex,connread,sleeploop,ticker,syscall,pool,selectnone"
minutes_capture() { # <version> <binary>
	local v="$1" bin="$2"
	start "minutes-$v" "$bin" -scenarios "$MINUTES_SCEN" -lifetime 150s
	local pid="$PID"
	sleep 70
	kill -QUIT "$pid"
	finish "$pid"
	cp "$WORK/minutes-$v.err" "$SAMPLES/$v-minutes.txt"
}
# Blocked for 11 minutes: past every minutes threshold of the diagnoses up
# to 10 (connection reads, locks, HTTP client round trips, system calls,
# time.Sleep, idle server connections). settle() in leaky runs the two GC
# cycles that stamp the wait start; the dump comes 670 s after that.
LONGWAIT_SCEN="mutex,sleeploop,connread,httpbody,stuckhandler,syscall"
longwait_capture() { # <version> <binary>
	local v="$1" bin="$2"
	start "longwait-$v" "$bin" -scenarios "$LONGWAIT_SCEN" -lifetime 800s
	local pid="$PID"
	sleep 670
	kill -QUIT "$pid"
	finish "$pid"
	cp "$WORK/longwait-$v.err" "$SAMPLES/$v-longwait.txt"
}
if [ "$SKIP_SERVICE" != 1 ]; then
	log "starting the 16.5 minute service captures in the background"
	GO="$GO126" "$GEN/service/capture.sh" &
	SVC=$!
	PIDS+=("$SVC")
	GO="$GO126" "$GEN/service2/capture.sh" &
	SVC2=$!
	PIDS+=("$SVC2")
fi

if [ "$SKIP_LONG" != 1 ]; then
	log "starting the 11 minute longwait captures in the background"
	(longwait_capture "$V126" "$WORK/leaky-$V126") &
	LONG1=$!
	(longwait_capture "$V119" "$WORK/leaky-$V119") &
	LONG2=$!
fi

if [ "$SKIP_MINUTES" != 1 ]; then
	log "starting the 70 s minutes captures in the background"
	(minutes_capture "$V126" "$WORK/leaky-$V126") &
	MIN1=$!
	(minutes_capture "$V119" "$WORK/leaky-$V119") &
	MIN2=$!
fi

# scenarios without the HTTP client/server ones (used where every goroutine
# prints runtime frames, to keep the files small)
SYSTEM_SCEN=deadlock-safe,connread,sleeploop,ticker,deepsyscall,syscall,busy,signals
SIGQUIT_SCEN=$SYSTEM_SCEN,stuckhandler

# ---- one full run per toolchain: debug=2, debug=1; then SIGQUIT ----
for v in "$V126" "$V119"; do
	log "$v: debug=2, debug=1"
	start "full-$v" "$WORK/leaky-$v" -lifetime 60s
	fetch "http://$ADDR/debug/pprof/goroutine?debug=2" "$SAMPLES/$v-debug2.txt"
	fetch "http://$ADDR/debug/pprof/goroutine?debug=1" "$SAMPLES/$v-debug1.txt"
	# what `curl .../goroutine -o g.pb.gz` saves: debug=0, a gzipped
	# profile.proto, with the build directory dropped from its mappings
	if [ "$v" = "$V126" ]; then
		fetch "http://$ADDR/debug/pprof/goroutine" "$SAMPLES/$v-goroutine.pb.gz"
		"$PYTHON" "$GEN/pbpath.py" "$WORK" "$SAMPLES/$v-goroutine.pb.gz"
	fi
	kill -TERM "$PID"
	finish "$PID"

	# SIGQUIT prints every goroutine with runtime frames, frame pointers
	# and registers: a smaller scenario set keeps the file small.
	start "sigquit-$v" "$WORK/leaky-$v" -scenarios "$SIGQUIT_SCEN" -lifetime 60s
	kill -QUIT "$PID"
	finish "$PID"
	cp "$WORK/sigquit-$v.err" "$SAMPLES/$v-sigquit.txt"
done

log "$V126: tracebacklabels"
GODEBUG=tracebacklabels=1 start labels "$WORK/leaky-$V126" -scenarios fanout,pool,mutex,stuckhandler -lifetime 30s
fetch "http://$ADDR/debug/pprof/goroutine?debug=2" "$SAMPLES/$V126-tracebacklabels.txt"
kill -TERM "$PID"
finish "$PID"

# ---- panics under each GOTRACEBACK level ----
for v in "$V126" "$V119"; do
	for tb in single all system crash; do
		log "$v: panic with GOTRACEBACK=$tb"
		scen=all
		[ "$tb" = system ] || [ "$tb" = crash ] && scen=$SYSTEM_SCEN
		(
			ulimit -c 0
			GOTRACEBACK=$tb start "panic-$tb-$v" "$WORK/leaky-$v" -scenarios "$scen" -panic-after 300ms -lifetime 60s
			finish "$PID"
		)
		name="panic-$tb"
		[ "$tb" = crash ] && name=panic-crash
		cp "$WORK/panic-$tb-$v.err" "$SAMPLES/$v-$name.txt"
	done

	log "$v: GOTRACEBACK=crash, SIGABRT"
	(
		ulimit -c 0
		GOTRACEBACK=crash start "crash-$v" "$WORK/leaky-$v" \
			-scenarios "$SYSTEM_SCEN" -lifetime 60s
		kill -ABRT "$PID"
		finish "$PID"
	)
	cp "$WORK/crash-$v.err" "$SAMPLES/$v-crash.txt"

	log "$v: deadlock"
	start "deadlock-$v" "$WORK/leaky-$v" -mode deadlock -lifetime 60s
	finish "$PID"
	cp "$WORK/deadlock-$v.err" "$SAMPLES/$v-deadlock.txt"

	log "$v: tracebackancestors=3"
	GODEBUG=tracebackancestors=3 start "ancestors-$v" "$WORK/leaky-$v" \
		-scenarios waitgroup,connread,stuckhandler,pool -lifetime 60s
	fetch "http://$ADDR/debug/pprof/goroutine?debug=2" "$SAMPLES/$v-ancestors.txt"
	kill -TERM "$PID"
	finish "$PID"

	gobin="$GO126"
	[ "$v" = "$V119" ] && gobin="$GO119"
	log "$v: go test -timeout 3s"
	(cd "$GEN" && "$gobin" test -trimpath -tags hangdemo -timeout 3s \
		-run TestReconcileSettlesAllShards ./internal/orders >"$WORK/test-$v.txt" 2>&1) || true
	cp "$WORK/test-$v.txt" "$SAMPLES/$v-test-timeout.txt"
done

# ---- Go 1.26 only ----
log "$V126: testing/synctest bubble"
(cd "$GEN" && GODEBUG=asynctimerchan=0 "$GO126" test -trimpath -tags hangdemo -timeout 3s \
	-run TestDebouncerFlushesAfterQuietPeriod ./internal/clock >"$WORK/synctest.txt" 2>&1) || true
cp "$WORK/synctest.txt" "$SAMPLES/$V126-synctest.txt"

log "$V126: goroutine leak profile"
start leak "$WORK/leaky-leak" -lifetime 60s
fetch "http://$ADDR/debug/pprof/goroutineleak?debug=2" "$SAMPLES/$V126-leakprofile.txt"
fetch "http://$ADDR/debug/pprof/goroutineleak?debug=1" "$SAMPLES/$V126-leakprofile-debug1.txt"
kill -TERM "$PID"
finish "$PID"

proto_captures

log "$V126: data race"
"$WORK/leaky-race" -mode race-only -log stderr >"$WORK/race-only.out" 2>"$WORK/race-only.err" || true
cp "$WORK/race-only.err" "$SAMPLES/$V126-race.txt"
start race "$WORK/leaky-race" -mode race -log stderr -scenarios fanout,mutex,connread,pool,signals -lifetime 60s
kill -QUIT "$PID"
finish "$PID"
cp "$WORK/race.err" "$SAMPLES/$V126-race-sigquit.log"

log "$V126: growing leak, three debug=2 snapshots"
start grow "$WORK/leaky-$V126" -scenarios accept,pool,ticker,signals -lifetime 60s
n=0
for k in 1 2 3; do
	case $k in 1) want=2 ;; 2) want=10 ;; 3) want=25 ;; esac
	"$FETCH" -fetch "http://$ADDR/api/search?q=boots" -n $((want - n)) -o /dev/null
	n=$want
	sleep 0.5
	fetch "http://$ADDR/debug/pprof/goroutine?debug=2" "$SAMPLES/$V126-grow-$k.txt"
done
kill -TERM "$PID"
finish "$PID"

log "$V126: main parked in select {}"
start selectmain "$WORK/leaky-$V126" -mode selectmain -scenarios accept,pool,sleeppoll -lifetime 30s
fetch "http://$ADDR/debug/pprof/goroutine?debug=2" "$SAMPLES/$V126-select-main.txt"
kill -TERM "$PID"
finish "$PID"

log "$V126: 60 response bodies left open"
start httpconns "$WORK/leaky-$V126" -scenarios httpbody -httpbody-requests 60 -lifetime 30s
fetch "http://$ADDR/debug/pprof/goroutine?debug=2" "$SAMPLES/$V126-httpconns.txt"
kill -TERM "$PID"
finish "$PID"

log "$V126: idle HTTP/2 connections"
start http2 "$WORK/leaky-$V126" -scenarios http2 -lifetime 30s
fetch "http://$ADDR/debug/pprof/goroutine?debug=2" "$SAMPLES/$V126-http2.txt"
kill -TERM "$PID"
finish "$PID"

# gRPC lives in its own module (grpcleak/, Go 1.26 only) so that the rest
# builds without downloading anything; without the module proxy the existing
# file is kept.
log "$V126: gRPC client per request"
if (cd "$GEN/grpcleak" && "$GO126" build -trimpath -o "$WORK/grpcleak" .) 2>"$WORK/grpc-build.err"; then
	"$WORK/grpcleak" -requests 5 -o "$SAMPLES/$V126-grpc-debug2.txt" 2>/dev/null
else
	log "warning: cannot build grpcleak (no module proxy?), keeping $V126-grpc-debug2.txt"
	tail -3 "$WORK/grpc-build.err" >&2
fi

# An old gRPC (v1.40.0, goroutines per ClientConn of its own: balancer
# watcher, addrConn.resetTransport) in grpcleak-old/, built with Go 1.19.
log "$V119: gRPC v1.40 client per request"
if (cd "$GEN/grpcleak-old" && "$GO119" build -trimpath -o "$WORK/grpcleak-old" .) 2>"$WORK/grpc-old-build.err"; then
	"$WORK/grpcleak-old" -requests 5 -o "$SAMPLES/$V119-grpc-debug2.txt" 2>/dev/null
else
	log "warning: cannot build grpcleak-old (no module proxy?), keeping $V119-grpc-debug2.txt"
	tail -3 "$WORK/grpc-old-build.err" >&2
fi

if [ "$SKIP_MINUTES" != 1 ]; then
	log "waiting for the minutes captures"
	wait "$MIN1" || die "minutes capture for $V126 failed"
	wait "$MIN2" || die "minutes capture for $V119 failed"
fi
if [ "$SKIP_SERVICE" != 1 ]; then
	log "waiting for the service captures"
	wait "$SVC" || die "service capture failed"
	wait "$SVC2" || die "service2 capture failed"
fi
if [ "$SKIP_LONG" != 1 ]; then
	log "waiting for the longwait captures"
	wait "$LONG1" || die "longwait capture for $V126 failed"
	wait "$LONG2" || die "longwait capture for $V119 failed"
fi

log "goleak and synctest test runs"
GO126="$GO126" sh "$GEN/goleaktest/capture.sh" "$SAMPLES" "$V126"

log "deriving variants"
"$PYTHON" "$GEN/derive.py" "$SAMPLES"

log "checking goroutine counts"
"$PYTHON" "$GEN/check.py" "$SAMPLES"

if grep -rlF -e "$GEN" -e "$HOME/" -e "${TMPDIR:-/tmp}/" "$SAMPLES"/*.txt "$SAMPLES"/*.log 2>/dev/null; then
	die "machine paths leaked into the files above"
fi
log "done"
