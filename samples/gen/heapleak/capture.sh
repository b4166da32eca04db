#!/usr/bin/env bash
# Captures samples/series-heap/: heap profiles of the heapleak program, in
# protobuf (pb/) and debug=1 text (text/) form, every 25 s for 3.3 minutes
# (8 snapshots each, named as `gtriage snap --profile heap` names them;
# gc=1: each one as of a collection run just before, not the last one).
# Runs from any directory. Toolchain: `go` on PATH (or $GO).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GEN="$(cd "$HERE/.." && pwd)"
OUT="$(cd "$GEN/.." && pwd)/series-heap"
GO="${GO:-go}"
N="${N:-8}" EVERY="${EVERY:-25}"

export GOTOOLCHAIN=local GOFLAGS=-trimpath GOWORK=off CGO_ENABLED=0 GOMAXPROCS=2
WORK="$(mktemp -d)"
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT

(cd "$GEN" && "$GO" build -trimpath -o "$WORK/heapleak" ./heapleak)
"$WORK/heapleak" -ready "$WORK/addr" &
PID=$!
for i in $(seq 1 100); do [ -s "$WORK/addr" ] && break; sleep 0.1; done
URL="$(cat "$WORK/addr")"
rm -rf "$OUT/pb" "$OUT/text"
mkdir -p "$OUT/pb" "$OUT/text"
for i in $(seq 1 "$N"); do
	sleep "$EVERY"
	ts="$(date -u +%Y%m%dT%H%M%SZ)"
	curl -sf "$URL/debug/pprof/heap?gc=1" -o "$OUT/pb/app-heap-$ts.pb.gz"
	curl -sf "$URL/debug/pprof/heap?gc=1&debug=1" -o "$OUT/text/app-heap-$ts.txt"
	echo "heap capture: $i of $N at $ts" >&2
done
# the mapping keeps the binary's base name, not this machine's build path
"${PYTHON:-python3}" "$GEN/pbpath.py" "$WORK" "$OUT"/pb/*.pb.gz
