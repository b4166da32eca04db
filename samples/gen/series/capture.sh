#!/usr/bin/env bash
# Captures samples/series/: six goroutine dumps of the series program 30 s
# apart (about three and a half minutes), then derives the kubectl-style log
# in samples/series/logs/. Runs from any directory.
#
#   samples/gen/series/capture.sh            capture and derive
#   samples/gen/series/capture.sh --derive   derive the log only
#
# Toolchain: `go` on PATH (or $GO). Goroutine ids, times and the noisy
# in-flight count differ between runs; the leak and the pool do not.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GEN="$(cd "$HERE/.." && pwd)"
OUT="$(cd "$GEN/.." && pwd)/series"
GO="${GO:-go}"
PYTHON="${PYTHON:-python3}"

export GOTOOLCHAIN=local GOFLAGS=-trimpath GOWORK=off
unset GODEBUG GOTRACEBACK GOEXPERIMENT

if [ "${1:-}" != --derive ]; then
	WORK="$(mktemp -d)"
	trap 'rm -rf "$WORK"' EXIT
	(cd "$GEN" && "$GO" build -trimpath -o "$WORK/series" ./series)
	mkdir -p "$WORK/out"
	"$WORK/series" -dir "$WORK/out" -name app -every 30s -n 6
	mkdir -p "$OUT"
	rm -f "$OUT"/app-*Z.txt
	cp "$WORK/out"/app-*Z.txt "$OUT/"
fi
"$PYTHON" "$HERE/derive_log.py" "$OUT"

if grep -rlF -e "$HERE" -e "$HOME/" -e "${TMPDIR:-/tmp}/" "$OUT" 2>/dev/null; then
	echo "capture: machine paths leaked into the files above" >&2
	exit 1
fi
