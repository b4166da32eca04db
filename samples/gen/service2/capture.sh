#!/usr/bin/env bash
# Captures go1.26-service2-young.txt and go1.26-service2-debug2.txt from one
# run of the service2 program (about 13 minutes). Runs from any directory.
#
#   samples/gen/service2/capture.sh
#
# Toolchain: `go` on PATH (or $GO). Process ages (seconds after the load
# generator starts) of each capture; the leak counts follow from them
# (truth.tsv, samples/README.md): 90 young, 757 debug2.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GEN="$(cd "$HERE/.." && pwd)"
SAMPLES="$(cd "$GEN/.." && pwd)"
GO="${GO:-go}"

export GOTOOLCHAIN=local GOFLAGS=-trimpath GOWORK=off CGO_ENABLED=0 GOMAXPROCS=2
unset GODEBUG GOTRACEBACK GOEXPERIMENT

V="$("$GO" env GOVERSION | sed -E 's/^(go[0-9]+\.[0-9]+).*/\1/')"
WORK="$(mktemp -d)"
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf 'service2 capture: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

(cd "$GEN" && "$GO" build -trimpath -o "$WORK/service2" ./service2)
(cd "$GEN" && "$GO" build -trimpath -o "$WORK/fetch" ./leaky)

"$WORK/service2" -ready "$WORK/ready" -lifetime 20m >"$WORK/out" 2>"$WORK/err" &
PID=$!
for i in $(seq 1 300); do
	[ -s "$WORK/ready" ] && break
	kill -0 "$PID" 2>/dev/null || die "service2 exited early"
	sleep 0.1
done
[ -s "$WORK/ready" ] || die "service2 did not get ready"
T0="$(date +%s.%N)"
ADDR="$(cat "$WORK/ready")"
log "running since $(date -u +%H:%M:%S); done in about 12.7 minutes"

at() { # sleeps until <seconds> after T0
	local d
	d="$(awk -v t0="$T0" -v s="$1" -v now="$(date +%s.%N)" 'BEGIN { d = t0 + s - now; print (d > 0 ? d : 0) }')"
	sleep "$d"
}
snap() { # <debug level> <out>
	"$WORK/fetch" -fetch "http://$ADDR/debug/pprof/goroutine?debug=$1" -o "$2"
}

at 90
snap 2 "$WORK/young.txt"
at 757
snap 2 "$WORK/debug2.txt"

cp "$WORK/young.txt" "$SAMPLES/$V-service2-young.txt"
cp "$WORK/debug2.txt" "$SAMPLES/$V-service2-debug2.txt"
if grep -lF -e "$HERE" -e "$HOME/" -e "${TMPDIR:-/tmp}/" "$SAMPLES/$V"-service2-*.txt 2>/dev/null; then
	die "machine paths leaked into the files above"
fi
log "done"
