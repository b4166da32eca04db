#!/bin/sh
# Captures real goleak reports, a synctest "blocked goroutines remain" panic from the tests of goleaktest (goleak v1.3.0:
# frames straight after each "[Goroutine N in state ..." entry) and
# goleaktest-old (goleak v1.1.12: a full "goroutine N [...]:" record after
# each entry). The tests fail on purpose.
#
#   capture.sh SAMPLES_DIR GO_VERSION_TAG      (e.g. go1.26)
set -eu
gen=$(cd "$(dirname "$0")/.." && pwd)
out=$1 v=$2
export GOTOOLCHAIN=local GOFLAGS=-trimpath GOWORK=off CGO_ENABLED=0 GOMAXPROCS=2
go=${GO126:-go}
cd "$gen/goleaktest"
"$go" test -count=1 ./verifynone >"$out/$v-goleak-verifynone.txt" 2>&1 || true
"$go" test -count=1 ./testmain >"$out/$v-goleak-testmain.txt" 2>&1 || true
# both goleak packages in one stream, verbose: "=== RUN" lines name the test
"$go" test -count=1 -v ./testmain ./verifynone >"$out/$v-gotest-v.txt" 2>&1 || true
# a testing/synctest bubble whose goroutine stays blocked
"$go" test -count=1 ./synctestleak >"$out/$v-synctest-blocked.txt" 2>&1 || true
cd "$gen/goleaktest-old"
"$go" test -count=1 -v ./verifynone >"$out/$v-goleak-old-verifynone.txt" 2>&1 || true
