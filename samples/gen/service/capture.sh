#!/usr/bin/env bash
# Captures the go1.26-service-* samples and samples/series-service/ from two
# identical runs of the service program started together (about 17 minutes).
# Process A gives the pprof snapshots and ends with SIGQUIT; process B ends
# with a nil pointer dereference in a request goroutine under
# GOTRACEBACK=all, at the same age. Runs from any directory.
#
#   samples/gen/service/capture.sh
#
# Toolchain: `go` on PATH (or $GO). Process ages (seconds after the load
# generator starts) of each capture; the leak counts follow from them
# (samples/README.md):
#   95 young, 725 debug2, 727 787 847 907 967 series, 969 debug1,
#   972 SIGQUIT (A) and crash (B)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GEN="$(cd "$HERE/.." && pwd)"
SAMPLES="$(cd "$GEN/.." && pwd)"
GO="${GO:-go}"

export GOTOOLCHAIN=local GOFLAGS=-trimpath GOWORK=off CGO_ENABLED=0 GOMAXPROCS=2
unset GODEBUG GOTRACEBACK GOEXPERIMENT

V="$("$GO" env GOVERSION | sed -E 's/^(go[0-9]+\.[0-9]+).*/\1/')"
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
log() { printf 'service capture: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

(cd "$GEN" && "$GO" build -trimpath -o "$WORK/service" ./service)
(cd "$GEN" && "$GO" build -trimpath -o "$WORK/fetch" ./leaky)

waitready() { # <ready file> <pid>
	local i
	for i in $(seq 1 300); do
		[ -s "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || die "service exited early"
		sleep 0.1
	done
	die "service did not get ready"
}

"$WORK/service" -ready "$WORK/a.ready" -lifetime 30m >"$WORK/a.out" 2>"$WORK/a.err" &
PA=$!
PIDS+=("$PA")
(
	ulimit -c 0
	GOTRACEBACK=all exec "$WORK/service" -ready "$WORK/b.ready" -crash-after 972s -lifetime 30m >"$WORK/b.out" 2>"$WORK/b.err"
) &
PB=$!
PIDS+=("$PB")
waitready "$WORK/a.ready" "$PA"
waitready "$WORK/b.ready" "$PB"
T0="$(date +%s.%N)"
ADDR="$(cat "$WORK/a.ready")"
log "running since $(date -u +%H:%M:%S); done in about 16.5 minutes"

at() { # sleeps until <seconds> after T0
	local d
	d="$(awk -v t0="$T0" -v s="$1" -v now="$(date +%s.%N)" 'BEGIN { d = t0 + s - now; print (d > 0 ? d : 0) }')"
	sleep "$d"
}
snap() { # <debug level> <out>
	"$WORK/fetch" -fetch "http://$ADDR/debug/pprof/goroutine?debug=$1" -o "$2"
}

mkdir -p "$WORK/series"
at 95
snap 2 "$WORK/young.txt"
at 725
snap 2 "$WORK/debug2.txt"
for s in 727 787 847 907 967; do
	at "$s"
	snap 2 "$WORK/series/svc-$(date -u +%Y%m%dT%H%M%SZ).txt"
done
at 969
snap 1 "$WORK/debug1.txt"
at 972
kill -QUIT "$PA"
for i in $(seq 1 300); do
	kill -0 "$PA" 2>/dev/null || break
	kill -0 "$PB" 2>/dev/null || break
	sleep 0.1
done
wait "$PA" || true
for i in $(seq 1 100); do
	kill -0 "$PB" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$PB" 2>/dev/null && die "process B did not crash"
wait "$PB" || true
PIDS=()
grep -q '^SIGQUIT: quit' "$WORK/a.err" || die "process A: no SIGQUIT dump"
grep -q '^panic: runtime error: invalid memory address' "$WORK/b.err" || die "process B: no panic"

cp "$WORK/young.txt" "$SAMPLES/$V-service-young.txt"
cp "$WORK/debug2.txt" "$SAMPLES/$V-service-debug2.txt"
cp "$WORK/debug1.txt" "$SAMPLES/$V-service-debug1.txt"
cp "$WORK/a.err" "$SAMPLES/$V-service-sigquit.txt"
cp "$WORK/b.err" "$SAMPLES/$V-service-panic.txt"
mkdir -p "$SAMPLES/series-service"
rm -f "$SAMPLES/series-service"/svc-*Z.txt
cp "$WORK/series"/svc-*Z.txt "$SAMPLES/series-service/"

if grep -rlF -e "$HERE" -e "$HOME/" -e "${TMPDIR:-/tmp}/" "$SAMPLES/$V"-service-*.txt "$SAMPLES/series-service" 2>/dev/null; then
	die "machine paths leaked into the files above"
fi
log "done"
