#!/usr/bin/env bash
# Captures samples/series-heap/snap/: the heapleak program run with
# -watchers (a goroutine waiting on each leaked ticker), its goroutine dump
# and heap profile taken together by `gtriage snap --profile
# goroutine,heap --heap-gc` every 25 s, 8 times (about 3.5 minutes). The
# trend over the directory links the growing ticker site to the growing
# goroutine group through the function both run through.
# Runs from any directory. Toolchain: `go` on PATH (or $GO); gtriage:
# $GTRIAGE (default build/rel/gtriage of the checkout).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GEN="$(cd "$HERE/.." && pwd)"
ROOT="$(cd "$GEN/../.." && pwd)"
OUT="$ROOT/samples/series-heap/snap"
GO="${GO:-go}"
GTRIAGE="${GTRIAGE:-$ROOT/build/rel/gtriage}"
N="${N:-8}" EVERY="${EVERY:-25}"

export GOTOOLCHAIN=local GOFLAGS=-trimpath GOWORK=off CGO_ENABLED=0 GOMAXPROCS=2
WORK="$(mktemp -d)"
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT

(cd "$GEN" && "$GO" build -trimpath -o "$WORK/heapleak" ./heapleak)
"$WORK/heapleak" -watchers -ready "$WORK/addr" &
PID=$!
for i in $(seq 1 100); do [ -s "$WORK/addr" ] && break; sleep 0.1; done
URL="$(cat "$WORK/addr")"
rm -rf "$OUT"
mkdir -p "$OUT"
for i in $(seq 1 "$N"); do
	sleep "$EVERY"
	"$GTRIAGE" snap -q --profile goroutine,heap --heap-gc -z \
		"app=$URL" --dir "$OUT" || [ $? = 1 ]
	echo "snap capture: $i of $N" >&2
done
# the mapping keeps the binary's base name, not this machine's build path
"${PYTHON:-python3}" "$GEN/pbpath.py" "$WORK" "$OUT"/*.pb.gz
