#!/bin/sh
# End-to-end tests of URL inputs, `snap` and `watch` against a real Go
# program (tests/live/server) serving net/http/pprof on 127.0.0.1: it
# leaks 20 goroutines a second in main.leakyWaiter beside a pool of 8
# main.poolWorker goroutines that never grows, and has endpoints that fail
# in each way a server can.
#
#   GTRIAGE=./gtriage sh tests/live/run.sh
#
# Needs Go (any version from 1.19): `go` on PATH, else Debian's
# /usr/lib/go-1.19, else it installs golang-go when run as root; without
# any it prints SKIP and passes. Every wait is bounded, the servers stop
# by themselves after two minutes and are killed on exit.

set -u
# byte order for ls and sort (file names), plain ASCII reports
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
G=${GTRIAGE:-./gtriage}
case $G in /*) ;; *) G=$(pwd)/$G ;; esac
[ -x "$G" ] || { echo "FAIL: GTRIAGE=$G is not an executable"; echo "0 passed, 1 failed"; exit 1; }

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; [ -n "${2:-}" ] && sed 's/^/    /' "$2" | head -20; return 0; }

# ---- Go -------------------------------------------------------------------
GO=
if command -v go >/dev/null 2>&1; then
	GO=$(command -v go)
elif [ -x /usr/lib/go-1.19/bin/go ]; then
	GO=/usr/lib/go-1.19/bin/go
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing golang-go for the live tests"
	{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y golang-go; } >/dev/null 2>&1
	command -v go >/dev/null 2>&1 && GO=$(command -v go)
fi
if [ -z "$GO" ]; then
	echo "SKIP: no Go toolchain; live tests not run"
	exit 0
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/gtriage-live.XXXXXX")
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Stdlib only: nothing to download, the local toolchain whatever go.mod says.
export GOTOOLCHAIN=local GOFLAGS= GOPROXY=off GOWORK=off CGO_ENABLED=0
[ -n "${HOME:-}" ] && [ -w "${HOME:-/}" ] || export GOCACHE="$W/gocache" GOPATH="$W/gopath"
if ! (cd "$here/server" && "$GO" build -trimpath -o "$W/server" .) >"$W/build.log" 2>&1; then
	bad "build the Go test server with $GO" "$W/build.log"
	echo "$pass passed, $fail failed"
	exit 1
fi
ok "build the Go test server ($("$GO" version | cut -d' ' -f3))"

# start_server NAME [SERVER ARGS...]: starts a fresh server ($SERVER, else
# the one built above), sets PORT and B (base URL).
start_server() {
	n=$1
	shift
	rm -f "$W/$n.port"
	"${SERVER:-$W/server}" -addr-file "$W/$n.port" -limit 120s "$@" >"$W/$n.log" 2>&1 &
	pids="$pids $!"
	i=0
	while [ ! -s "$W/$n.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	PORT=$(cat "$W/$n.port" 2>/dev/null)
	B=http://127.0.0.1:$PORT
	[ -n "$PORT" ]
}

# run NAME CMD...: runs gtriage with a time bound; stdout in $W/NAME.out,
# stderr in $W/NAME.err, exit status in RC.
run() {
	n=$1
	shift
	timeout 60 "$G" "$@" >"$W/$n.out" 2>"$W/$n.err"
	RC=$?
}

# expect NAME WANT_RC GREP_IN_ERR DESCRIPTION
expect_err() {
	if [ "$RC" = "$2" ] && grep -qF -- "$3" "$W/$1.err"; then
		ok "$4"
	else
		echo "    exit $RC (want $2), stderr:" >"$W/$1.why"
		cat "$W/$1.err" >>"$W/$1.why"
		bad "$4" "$W/$1.why"
	fi
}

# growth_of FILE FUNC: the "+N/h" growth of the text trend report's group
# whose frames mention FUNC, as an integer.
growth_of() {
	awk -v f="$2" '
		/^\[[0-9]+\]/ { line = $0 }
		index($0, f) && line != "" {
			if (match(line, /[-+][0-9.]+\/h/)) {
				print int(substr(line, RSTART, RLENGTH - 2) + 0); exit
			}
		}' "$1"
}

# in_growing FILE FUNC: FUNC is listed under "growing steadily".
in_growing() {
	awk -v f="$2" '
		/^growing steadily/ { g = 1; next }
		/^(flagged in the last|other groups|no group grows|probable leak)/ { g = 0 }
		g && index($0, f) { found = 1 }
		END { exit !found }' "$1"
}

# near N WANT: N within a factor of 2 of WANT.
near() { [ -n "$1" ] && [ "$1" -ge $(($2 / 2)) ] && [ "$1" -le $(($2 * 2)) ]; }

start_server main || { bad "start the Go test server" "$W/main.log"; echo "$pass passed, $fail failed"; exit 1; }
ok "start the Go test server on 127.0.0.1:$PORT"
MAIN=$B

# ---- one URL input -------------------------------------------------------
run triage "$MAIN/debug/pprof/goroutine"
if { [ $RC = 0 ] || [ $RC = 1 ]; } && grep -q "main.leakyWaiter" "$W/triage.out" &&
	grep -q "main.poolWorker" "$W/triage.out"; then
	ok "triage a pprof URL (debug=2 added): exit $RC"
else
	bad "triage a pprof URL: exit $RC" "$W/triage.err"
fi

run gz "$MAIN/gzip"
if [ $RC != 2 ] && grep -q "main.leakyWaiter" "$W/gz.out"; then
	ok "Content-Encoding: gzip is accepted and undone"
else bad "Content-Encoding: gzip" "$W/gz.err"; fi

run gzbody "$MAIN/dump.txt.gz"
if [ $RC != 2 ] && grep -q "main.leakyWaiter" "$W/gzbody.out"; then
	ok "a gzip body without Content-Encoding is detected by its magic"
else bad "gzip body by magic bytes" "$W/gzbody.err"; fi

run redir "$MAIN/redirect"
if [ $RC != 2 ] && grep -q "main.poolWorker" "$W/redir.out"; then
	ok "a redirect is followed"
else bad "redirect followed" "$W/redir.err"; fi

run loop --max-redirs 3 "$MAIN/loop"
expect_err loop 2 "$MAIN/loop: more than 3 redirects (--max-redirs)" "a redirect loop stops at --max-redirs, exit 2"

FREE=$("$W/server" -free-port)
run refused "http://127.0.0.1:$FREE/debug/pprof/goroutine"
expect_err refused 2 "http://127.0.0.1:$FREE/debug/pprof/goroutine?debug=2: connection refused by 127.0.0.1 port $FREE" \
	"unreachable port: exit 2, connection refused"

run s404 "$MAIN/status/404"
expect_err s404 2 "$MAIN/status/404: HTTP 404 Not Found" "HTTP 404: exit 2 with URL and status"
run s500 "$MAIN/status/500"
expect_err s500 2 "$MAIN/status/500: HTTP 500 Internal Server Error" "HTTP 500: exit 2 with URL and status"

t0=$(date +%s)
run slow --max-time 2 "$MAIN/slow"
t1=$(date +%s)
expect_err slow 2 "$MAIN/slow: timed out after 2 s (--max-time)" "server slower than --max-time: exit 2, timeout named"
if [ $((t1 - t0)) -le 5 ]; then ok "--max-time 2 ends the transfer in $((t1 - t0)) s"; else bad "--max-time 2 took $((t1 - t0)) s"; fi
run stall --max-time 1 "$MAIN/stall"
expect_err stall 2 "timed out after 1 s (--max-time) waiting for the response" "no response within --max-time: exit 2"

run html "$MAIN/html"
expect_err html 2 "$MAIN/html: got an HTML page (text/html" "an HTML login page: exit 2, says HTML and names the URL"

run cut "$MAIN/cut"
if { [ $RC = 0 ] || [ $RC = 1 ]; } && grep -q "input ends early" "$W/cut.err" &&
	grep -q "truncated" "$W/cut.out"; then
	ok "a connection cut mid-dump is triaged and reported truncated (exit $RC)"
else
	bad "connection cut mid-dump: exit $RC" "$W/cut.err"
fi

run auth -u user:pass -H 'X-Token: t' "$MAIN/auth"
if [ $RC != 2 ] && grep -q "main.leakyWaiter" "$W/auth.out"; then
	ok "basic auth and a -H header reach the server"
else bad "basic auth and -H: exit $RC" "$W/auth.err"; fi
run noauth "$MAIN/auth"
expect_err noauth 2 "$MAIN/auth: HTTP 401 Unauthorized" "missing credentials: exit 2 with the 401"
run notoken -u user:pass "$MAIN/auth"
expect_err notoken 2 "HTTP 403 Forbidden: missing or wrong X-Token header" "missing header: exit 2, the server's reason quoted"

# ---- watch: a fresh server, so the leak is young and grows fast ---------
start_server watch || bad "start a second server for watch"
run watch watch "$B/debug/pprof/goroutine" --interval 1s --count 4
lines=$(grep -c "^[0-9T:-]*Z snapshot [0-9]*:" "$W/watch.out")
if [ "$RC" = 1 ] && [ "$lines" = 4 ]; then
	ok "watch --interval 1s --count 4: 4 plain lines (not a tty), exit 1"
else
	bad "watch: exit $RC, $lines snapshot lines" "$W/watch.out"
fi
g=$(growth_of "$W/watch.out" main.leakyWaiter)
if in_growing "$W/watch.out" main.leakyWaiter && near "$g" 72000; then
	ok "watch flags main.leakyWaiter as growing at ${g}/h (72000/h leaked)"
else bad "watch: main.leakyWaiter growth '${g}'/h" "$W/watch.out"; fi
if ! in_growing "$W/watch.out" main.poolWorker && grep -q "8 -> 8 .*main.poolWorker" "$W/watch.out"; then
	ok "watch: the pool of 8 is not growing"
else bad "watch: the pool" "$W/watch.out"; fi

# watch --save: the snapshots kept as snap names them, rotated, read again
mkdir "$W/wsave"
run wsave watch "$B/debug/pprof/goroutine" --interval 1s --count 4 --save "$W/wsave" --keep 3
nsaved=$(ls "$W/wsave" | grep -c "^127\.0\.0\.1_$PORT-[0-9]\{8\}T[0-9]\{6\}Z\(_[0-9]*\)\{0,1\}\.txt$")
if [ "$RC" = 1 ] && [ "$nsaved" = 3 ] && [ "$(ls -A "$W/wsave" | wc -l)" = 3 ]; then
	ok "watch --save --keep 3: four fetches leave the newest 3 snapshots, named as snap names them"
else
	ls -A "$W/wsave" >"$W/wsave.ls"
	bad "watch --save: exit $RC, $nsaved snapshots" "$W/wsave.ls"
fi
run wsavetrend trend "$W/wsave"
if [ "$RC" = 1 ] && in_growing "$W/wsavetrend.out" main.leakyWaiter &&
	! in_growing "$W/wsavetrend.out" main.poolWorker; then
	ok "trend over watch's saved snapshots: main.leakyWaiter grows, the pool not"
else bad "trend over watch --save: exit $RC" "$W/wsavetrend.out"; fi
run wsavebad watch "$B/debug/pprof/goroutine" --count 1 --save "$W/missing"
expect_err wsavebad 2 "$W/missing: not a directory" "watch --save into a missing directory: exit 2 before fetching"

# A leak already large (10,000 goroutines, as after hours) that keeps
# rising by 20 a second: four fetches a second apart rise by well under
# 20% of the first count, and the leak is still growing.
start_server backlog -backlog 10000 || bad "start a server with a large leak"
run backlog watch "$B/debug/pprof/goroutine" --interval 1s --count 4
if [ "$RC" = 1 ] && in_growing "$W/backlog.out" main.leakyWaiter &&
	! in_growing "$W/backlog.out" main.poolWorker; then
	ok "watch: a leak already at 10,000 that keeps rising is growing, the pool not (exit 1)"
else
	bad "watch on a large leak: exit $RC" "$W/backlog.out"
fi

# watch ended by SIGINT prints the final report and exits by itself
# (signalled directly: timeout(1) would pass SIGINT on more than once)
"$G" watch "$B/debug/pprof/goroutine" --interval 1s >"$W/wint.out" 2>"$W/wint.err" &
wp=$!
i=0
while ! grep -q "snapshot 2:" "$W/wint.out" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $wp
i=0
while kill -0 $wp 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 $wp 2>/dev/null
wait $wp
RC=$?
if { [ $RC = 0 ] || [ $RC = 1 ]; } && grep -q "^gtriage trend:" "$W/wint.out"; then
	ok "watch ends on SIGINT with the final trend report (exit $RC)"
else bad "watch on SIGINT: exit $RC" "$W/wint.err"; fi

# ---- snap: a fresh server; runs ~1 s apart into two directories ---------
start_server snap || bad "start a third server for snap"
S=$B
mkdir -p "$W/rot"
echo keep me >"$W/rot/notes.txt"
echo other >"$W/rot/other_9999-20200101T000000Z.txt"
newest=
for i in 1 2 3 4 5 6; do
	run "snap$i" snap "$S/debug/pprof/goroutine" --dir "$W/snaps"
	src=$RC
	run "rot$i" snap --keep 3 "$S/debug/pprof/goroutine" --dir "$W/rot"
	newest="$newest $(ls "$W/rot" | grep "^127.0.0.1_$PORT-" | sort | tail -1)"
	[ $i -lt 6 ] && sleep 1
done
cp "$W/snap6.out" "$W/snaplast.out"
if [ "$src" = 1 ] && in_growing "$W/snaplast.out" main.leakyWaiter; then
	ok "snap reports main.leakyWaiter growing over the kept snapshots, exit 1"
else bad "snap: exit $src" "$W/snaplast.out"; fi
g=$(growth_of "$W/snaplast.out" main.leakyWaiter)
if near "$g" 72000; then ok "snap: growth ${g}/h (72000/h leaked)"; else bad "snap: growth '${g}'/h" "$W/snaplast.out"; fi
if ! in_growing "$W/snaplast.out" main.poolWorker; then ok "snap: the pool is not growing"; else bad "snap: pool growing" "$W/snaplast.out"; fi

n=$(ls "$W/snaps" | grep -c "^127\.0\.0\.1_$PORT-[0-9]\{8\}T[0-9]\{6\}Z\(_[0-9]*\)\?\.txt$")
if [ "$n" = 6 ]; then ok "snap: 6 runs kept as 6 NAME-YYYYMMDDTHHMMSSZ.txt files"; else bad "snap: $n snapshot files, want 6"; ls -la "$W/snaps"; fi

kept=$(ls "$W/rot" | grep "^127.0.0.1_$PORT-" | sort | tr '\n' ' ')
want=$(echo $newest | tr ' ' '\n' | tail -3 | sort | tr '\n' ' ')
if [ "$kept" = "$want" ]; then ok "--keep 3 after 6 runs keeps the 3 newest"; else bad "--keep 3: kept '$kept', want '$want'"; fi
if [ -f "$W/rot/notes.txt" ] && [ -f "$W/rot/other_9999-20200101T000000Z.txt" ]; then
	ok "--keep leaves other files and other targets' snapshots alone"
else bad "--keep removed a file that is not this target's"; fi
if ls -A "$W/snaps" "$W/rot" | grep -q partial; then bad "snap left a temporary file"; else ok "snap leaves no temporary files"; fi

run trend trend "$W"/snaps/*.txt
if [ "$RC" = 1 ] && in_growing "$W/trend.out" main.leakyWaiter &&
	! in_growing "$W/trend.out" main.poolWorker; then
	ok "gtriage trend over the snapshots: main.leakyWaiter growing, the pool not (exit 1)"
else bad "gtriage trend over the snapshots: exit $RC" "$W/trend.out"; fi
g=$(growth_of "$W/trend.out" main.leakyWaiter)
if near "$g" 72000; then ok "trend: growth ${g}/h"; else bad "trend: growth '${g}'/h (needs sub-second times: file mtime)" "$W/trend.out"; fi

# -f html -o: the page of the trend over the kept snapshots, the leak
# marked growing with its sparkline; a page holds one target.
run html snap -q -f html -o "$W/snap.html" "$S/debug/pprof/goroutine" --dir "$W/snaps"
if [ "$RC" = 1 ] && grep -q '^<!DOCTYPE html>' "$W/snap.html" &&
	grep -q '<section class="grp [a-z]* growing" id="g-[0-9]*">' "$W/snap.html" &&
	grep -A 30 '<section class="grp [a-z]* growing"' "$W/snap.html" | grep -q 'main.leakyWaiter' &&
	grep -q '<svg class="spark"' "$W/snap.html" && tail -1 "$W/snap.html" | grep -q '^</html>$'; then
	ok "snap -f html -o: a page with main.leakyWaiter growing and sparklines"
else bad "snap -f html -o: exit $RC" "$W/snap.html"; fi
run html2 snap -f html -o "$W/snap2.html" a="$S/debug/pprof/goroutine" b="$S/debug/pprof/goroutine" --dir "$W/snaps2"
if [ "$RC" = 2 ] && [ ! -e "$W/snap2.html" ] && grep -q 'html takes one target' "$W/html2.err"; then
	ok "snap -f html with two targets: refused"
else bad "snap -f html, two targets: exit $RC" "$W/html2.err"; fi

run gzsnap snap --gzip "$S/debug/pprof/goroutine" --dir "$W/gz"
f=$(ls "$W/gz" | grep "^127.0.0.1_$PORT-.*Z\.txt\.gz$" | head -1)
if [ -n "$f" ] && gzip -t "$W/gz/$f" && gzip -dc "$W/gz/$f" | grep -q "^goroutine [0-9]* \["; then
	ok "snap --gzip writes a valid $f"
else bad "snap --gzip: exit $RC" "$W/gzsnap.err"; fi

# Snapshots in quick succession (several within one second): the names
# sort in the order they were taken.
for i in 1 2 3 4; do run "quick$i" snap "$S/debug/pprof/goroutine" --dir "$W/quick"; done
by_name=$(ls "$W/quick" | sort | tr '\n' ' ')
by_time=$(ls -tr "$W/quick" | tr '\n' ' ')
if [ "$(ls "$W/quick" | wc -l)" = 4 ] && [ "$by_name" = "$by_time" ]; then
	ok "4 quick snaps: 4 files whose names sort in time order ($by_name)"
else bad "quick snaps: by name '$by_name', by time '$by_time'"; fi

# Two named targets, Prometheus format: each metric family once.
run prom snap -f prom api="$S/debug/pprof/goroutine" slow="$S/delay/x?ms=50" --dir "$W/prom"
dups=$(grep "^# TYPE" "$W/prom.out" | sort | uniq -d | wc -l)
if [ "$RC" != 2 ] && [ "$dups" = 0 ] && grep -q '^gtriage_snap_ok{source="api"} 1$' "$W/prom.out" &&
	grep -q '^gtriage_snapshots{source="slow"} 1$' "$W/prom.out" &&
	[ -n "$(ls "$W/prom" | grep '^api-.*Z\.txt$')" ] && [ -n "$(ls "$W/prom" | grep '^slow-.*Z\.txt$')" ]; then
	ok "snap NAME=URL ... -f prom: one exposition, files named by NAME"
else bad "snap -f prom with two targets: exit $RC, $dups repeated families" "$W/prom.out"; fi

# -q quiets the terminal, but an -o file for a textfile collector is written
# on every run, a clean one included (one snapshot: nothing can grow yet).
run quietprom snap -q -f prom -o "$W/quiet.prom" "$S/debug/pprof/goroutine" --dir "$W/quiet"
if [ "$RC" = 0 ] && [ ! -s "$W/quietprom.out" ] && grep -q '^gtriage_snap_ok{' "$W/quiet.prom"; then
	ok "snap -q -o FILE: nothing printed, the file written on a clean run"
else bad "snap -q -o FILE: exit $RC" "$W/quietprom.err"; fi

# ---- snap failures ---------------------------------------------------------
run badsnap snap "$S/html" --dir "$W/bad"
if [ "$RC" = 2 ] && grep -qF "$S/html: got an HTML page" "$W/badsnap.err" && [ -z "$(ls -A "$W/bad")" ]; then
	ok "snap of a non-dump body: exit 2, URL named, nothing kept"
else bad "snap of a non-dump body: exit $RC" "$W/badsnap.err"; fi

run mixed snap "$S/debug/pprof/goroutine" "$S/status/404" "http://127.0.0.1:$FREE/" --dir "$W/mixed"
if [ "$RC" = 2 ] && grep -qF "$S/status/404: HTTP 404 Not Found" "$W/mixed.err" &&
	grep -q "connection refused" "$W/mixed.err" &&
	[ "$(ls "$W/mixed" | grep -c "^127.0.0.1_$PORT-.*Z\.txt$")" = 1 ]; then
	ok "snap with failing targets: exit 2, each failure named, the good one kept"
else bad "snap with failing targets: exit $RC" "$W/mixed.err"; ls -A "$W/mixed"; fi

# A snap killed mid-transfer: /slow has sent half a dump and stalls.
mkdir -p "$W/kill"
"$G" snap "$S/slow" --dir "$W/kill" --max-time 60 >/dev/null 2>&1 &
kp=$!
i=0
while [ $i -lt 100 ]; do
	part=$(ls -A "$W/kill" | grep "partial" | head -1)
	[ -n "$part" ] && [ -s "$W/kill/$part" ] && break
	sleep 0.1
	i=$((i + 1))
done
kill -9 $kp 2>/dev/null
wait $kp 2>/dev/null
left=$(ls -A "$W/kill")
if [ -n "$part" ] && [ -z "$(ls "$W/kill" | grep "Z\(_[0-9]*\)\?\.txt\(\.gz\)\?$")" ] &&
	! ls "$W/kill" | grep -q .; then
	ok "snap killed mid-transfer (kill -9): no snapshot under a final name, only the hidden $part"
else bad "snap killed mid-transfer: left '$left' (partial seen: '$part')"; fi
# the next run removes the orphan once it is a few seconds old
touch -d '1 minute ago' "$W/kill/$part" 2>/dev/null
run kill2 snap "$S/slow" --dir "$W/kill" --max-time 1
if [ "$RC" = 2 ] && [ -z "$(ls -A "$W/kill")" ]; then
	ok "the next snap removes the orphaned temporary file (and its own after a timeout)"
else bad "orphan cleanup: exit $RC, left '$(ls -A "$W/kill")'" "$W/kill2.err"; fi

# SIGTERM mid-transfer: snap stops, removes its temporary file, exit 2.
mkdir -p "$W/term"
"$G" snap "$S/slow" --dir "$W/term" --max-time 60 >/dev/null 2>"$W/term.err" &
kp=$!
i=0
while [ $i -lt 100 ]; do
	part=$(ls -A "$W/term" | grep "partial" | head -1)
	[ -n "$part" ] && [ -s "$W/term/$part" ] && break
	sleep 0.1
	i=$((i + 1))
done
kill -TERM $kp 2>/dev/null
wait $kp
RC=$?
if [ -n "$part" ] && [ "$RC" = 2 ] && [ -z "$(ls -A "$W/term")" ] && grep -q interrupted "$W/term.err"; then
	ok "snap stopped by SIGTERM mid-transfer: exit 2, nothing left in the directory"
else bad "snap on SIGTERM: exit $RC, left '$(ls -A "$W/term")'" "$W/term.err"; fi

# ---- credentials: never shown ---------------------------------------------
# Every secret holds "s3cret": in the URL's userinfo and query, in -u, in
# the Authorization, Cookie and Proxy-Authorization headers, in the
# userinfo of a redirect's target. None may reach stdout, stderr, an -o
# file, a snapshot's name or its content, in any format, command or error.
FORMATS="text json markdown prom html sarif github folded"
# the formats that name their source (folded stacks and SARIF do not)
NAMING="text json markdown prom html github"
HP=${S#http://}
Q="token=QTok-s3cret6&access_token=ATok-s3cret7"
U="http://user:UrlPw-s3cret1@$HP"
# cred NAME ARGS...: run with every credential option (after the
# operands: getopt permutes, so each command takes them there)
cred() {
	n=$1
	shift
	run "$n" "$@" -u user:UserPw-s3cret2 -H 'Authorization: Bearer HdrTok-s3cret3' \
		-H 'Cookie: sid=Cookie-s3cret4' -H 'Proxy-Authorization: Basic Prx-s3cret5'
}
leaks=
nleak=0
# leak NAME [FILE...]: the run's output, its stderr and FILEs hold no secret
leak() {
	n=$1
	shift
	nleak=$((nleak + 1))
	if cat "$W/$n.out" "$W/$n.err" "$@" 2>/dev/null | grep -q s3cret; then
		leaks="$leaks $n"
		grep -h s3cret "$W/$n.out" "$W/$n.err" "$@" 2>/dev/null | head -3 | sed "s/^/    $n: /"
	fi
}
shown=0
for f in $FORMATS; do
	cred "ct-$f" -f "$f" "$U/debug/pprof/goroutine?$Q"
	leak "ct-$f"
	# the URL is shown (prom drops the userinfo from its label)
	case " $NAMING " in
	*" $f "*)
		if [ "$RC" != 2 ] && grep -q "127.0.0.1:$PORT/debug/pprof/goroutine?token=" "$W/ct-$f.out"; then
			shown=$((shown + 1))
		fi ;;
	esac
	cred "cto-$f" -f "$f" -o "$W/cto-$f.file" "$U/debug/pprof/goroutine?$Q"
	[ -s "$W/cto-$f.file" ] && shown=$((shown + 1))
	leak "cto-$f" "$W/cto-$f.file"
	cred "cd-$f" diff -f "$f" "$U/debug/pprof/goroutine?$Q" "$U/debug/pprof/goroutine?$Q"
	leak "cd-$f"
	cred "cr-$f" trend -f "$f" -o "$W/cr-$f.file" "$U/debug/pprof/goroutine?$Q" "$U/debug/pprof/goroutine?$Q"
	leak "cr-$f" "$W/cr-$f.file"
	cred "cs-$f" snap -f "$f" "$U/debug/pprof/goroutine?$Q" --dir "$W/csnap"
	leak "cs-$f"
	cred "cw-$f" watch -f "$f" -o "$W/cw-$f.file" "$U/debug/pprof/goroutine?$Q" --interval 0.5s --count 2
	leak "cw-$f" "$W/cw-$f.file"
done
if ls -A "$W/csnap" | grep -q s3cret || cat "$W"/csnap/* | grep -q s3cret; then
	leaks="$leaks snapshot-files"
fi
nsnap=$(ls "$W/csnap" | wc -l)
want=$(( $(echo $FORMATS | wc -w) + $(echo $NAMING | wc -w) ))
if [ -z "$leaks" ] && [ "$shown" = "$want" ] && [ "$nsnap" -ge 1 ]; then
	ok "no credential in $nleak runs (formats: $FORMATS; triage, -o, diff, trend, snap, watch), in $nsnap snapshot files or their names; the URL shown redacted"
else bad "credentials shown:$leaks (URL shown redacted in $shown of $want)"; fi

# every error path, every command
leaks=
nleak=0
for e in refused s401 s404 timeout html redirect redirect-ftp loop echo; do
	extra=
	case $e in
	refused) u="http://user:UrlPw-s3cret1@127.0.0.1:$FREE/debug/pprof/goroutine?$Q" ;;
	s401) u="$U/status/401?$Q" ;;
	s404) u="$U/status/404?$Q" ;;
	timeout) u="$U/stall?$Q" extra="--max-time 1" ;;
	html) u="$U/html?$Q" ;;
	redirect) u="$U/redirect-to?url=http://user:Redir-s3cret8@127.0.0.1:$FREE/x" ;;
	redirect-ftp) u="$U/redirect-to?url=ftp://user:Redir-s3cret9@127.0.0.1:$FREE/x" ;;
	loop) u="$U/loop?$Q" extra="--max-redirs 1" ;;
	echo) u="$U/echo-auth?$Q" ;;
	esac
	for c in triage diff trend snap watch; do
		n="ce-$e-$c"
		# shellcheck disable=SC2086
		case $c in
		triage) cred "$n" $extra "$u" ;;
		diff) cred "$n" diff $extra "$u" "$u" ;;
		trend) cred "$n" trend $extra "$u" "$u" ;;
		snap) cred "$n" snap $extra "$u" --dir "$W/cerr" ;;
		watch) cred "$n" watch $extra "$u" --interval 0.5s --count 1 ;;
		esac
		if [ "$RC" != 2 ] || [ ! -s "$W/$n.err" ]; then
			leaks="$leaks $n(exit $RC, no error)"
		fi
		leak "$n"
	done
done
if ls -A "$W/cerr" 2>/dev/null | grep -q s3cret; then leaks="$leaks cerr-names"; fi
if [ -z "$leaks" ] && grep -q "rejected \*\*\*" "$W/ce-echo-triage.err" &&
	grep -q "user:\*\*\*@127.0.0.1:$FREE" "$W/ce-refused-triage.err"; then
	ok "no credential in $nleak failing runs (refused, 401, 404, timeout, not a dump, redirects, a server quoting them)"
else bad "credentials in errors:$leaks" "$W/ce-echo-triage.err"; fi

# ---- protobuf profiles: --proto and --leak-profile ----------------------
run pburl "$S/debug/pprof/goroutine?debug=0"
if { [ $RC = 0 ] || [ $RC = 1 ]; } && grep -q "1 dump (protobuf)" "$W/pburl.out" &&
	grep -q "main.poolWorker" "$W/pburl.out"; then
	ok "a ?debug=0 URL is read as a protobuf profile: exit $RC"
else bad "?debug=0 URL: exit $RC" "$W/pburl.err"; fi
for i in 1 2 3; do
	run "pb$i" snap --proto "$S" --dir "$W/pb"
	[ $i -lt 3 ] && sleep 1
done
n=$(ls "$W/pb" | grep -c "^127\.0\.0\.1_$PORT-[0-9]\{8\}T[0-9]\{6\}Z\(_[0-9]*\)\?\.pb\.gz$")
if [ "$n" = 3 ] && { [ $RC = 0 ] || [ $RC = 1 ]; }; then
	ok "snap --proto: 3 runs kept as 3 NAME-...Z.pb.gz files, exit $RC"
else bad "snap --proto: $n .pb.gz files, exit $RC" "$W/pb3.err"; ls -la "$W/pb"; fi
f=$(ls "$W/pb" | head -1)
[ -n "$f" ] && gzip -dc "$W/pb/$f" | "$G" - >"$W/pbread.out" 2>&1
if grep -q "1 dump (protobuf)" "$W/pbread.out" && grep -q "main.leakyWaiter" "$W/pbread.out"; then
	ok "snap --proto: a kept snapshot reads back as a protobuf profile"
else bad "snap --proto: reading $f back" "$W/pbread.out"; fi
run pbtrend trend "$W"/pb/*.pb.gz
if grep -q "main.leakyWaiter" "$W/pbtrend.out" && grep -q "3 snapshots" "$W/pbtrend.out"; then
	ok "trend over protobuf snapshots: 3 snapshots, main.leakyWaiter followed"
else bad "trend over .pb.gz: exit $RC" "$W/pbtrend.out"; fi

run wpb watch --proto "$S" --interval 0.5 --count 3
lines=$(grep -c "^[0-9T:-]*Z snapshot [0-9]*:" "$W/wpb.out")
if [ "$RC" != 2 ] && [ "$lines" = 3 ] && grep -q "debug=0" "$W/wpb.out"; then
	ok "watch --proto: 3 fetches of the protobuf profile, exit $RC"
else bad "watch --proto: exit $RC, $lines snapshot lines" "$W/wpb.out"; fi

# the leak profile exists only with the experiment (Go 1.26)
run noleak snap --leak-profile "$S" --dir "$W/noleak"
expect_err noleak 2 "goroutineleak" "snap --leak-profile on a server without the leak profile: exit 2, the URL named"
if (cd "$here/server" && GOEXPERIMENT=goroutineleakprofile "$GO" build -trimpath -o "$W/server-leak" .) >"$W/build-leak.log" 2>&1; then
	SERVER=$W/server-leak start_server leak || bad "start the leak-profile server"
	L=$B
	run leak snap --leak-profile "$L" --dir "$W/leak"
	full=$(ls "$W/leak" | grep -c "^127\.0\.0\.1_$PORT-[0-9]\{8\}T[0-9]\{6\}Z\.txt$")
	lp=$(ls "$W/leak" | grep "^127\.0\.0\.1_${PORT}-leak-[0-9]\{8\}T[0-9]\{6\}Z\.pb\.gz$" | head -1)
	if [ "$RC" != 2 ] && [ "$full" = 1 ] && [ -n "$lp" ]; then
		ok "snap --leak-profile: the full dump and NAME-leak-...Z.pb.gz kept, exit $RC"
	else bad "snap --leak-profile: exit $RC, $full dumps, leak file '$lp'" "$W/leak.err"; ls -la "$W/leak"; fi
	"$G" "$W/leak/$lp" >"$W/leakread.out" 2>&1
	# the leaked channels sit in a global slice: reachable, so the leak
	# profile (a GC) does not count them, while the full dump shows them
	if grep -q "1 dump (protobuf)" "$W/leakread.out" &&
		! grep -q "main.leakyWaiter" "$W/leakread.out" &&
		"$G" "$W"/leak/*Z.txt 2>&1 | grep -q "main.leakyWaiter"; then
		ok "the leak profile reads; goroutines blocked on reachable channels are in the full dump only"
	else bad "reading the leak profile" "$W/leakread.out"; fi
else
	echo "SKIP: the Go test server does not build with GOEXPERIMENT=goroutineleakprofile ($("$GO" version | cut -d' ' -f3)); --leak-profile with a leak profile not run"
fi

# ---- heap profiles: snap --profile heap -----------------------------------
# A server keeping 256 KiB a second for good in main.hoard, beside 1 MiB in
# main.steadyTable that never changes. gc=1: each profile as of now.
if start_server heap -leak 0 -hoard 256; then
	H=$B
	for i in 1 2 3 4; do
		run "hp$i" snap --profile goroutine,heap --heap-gc --keep 3 "app=$H" --dir "$W/heap"
		[ $i -lt 4 ] && sleep 1
	done
	nh=$(ls "$W/heap" | grep -c '^app-heap-[0-9]\{8\}T[0-9]\{6\}Z\(_[0-9]*\)\?\.pb\.gz$')
	ng=$(ls "$W/heap" | grep -c '^app-[0-9]\{8\}T[0-9]\{6\}Z\(_[0-9]*\)\?\.txt$')
	if [ "$nh" = 3 ] && [ "$ng" = 3 ] && [ "$(ls -A "$W/heap" | wc -l)" = 6 ]; then
		ok "snap --profile goroutine,heap: 4 runs, --keep 3 of each kind (app-heap-...Z.pb.gz beside app-...Z.txt), nothing else"
	else bad "snap --profile goroutine,heap: $nh heap, $ng goroutine files" "$W/hp4.err"; ls -la "$W/heap"; fi
	if [ "$RC" = 1 ] && grep -q "GROWING .*main.hoard" "$W/hp4.out" &&
		! grep -q "GROWING .*main.steadyTable" "$W/hp4.out"; then
		ok "snap --profile heap: the report flags main.hoard growing, exit 1"
	else bad "snap --profile heap report: exit $RC" "$W/hp4.out"; fi
	f=$(ls "$W/heap" | grep '^app-heap-' | tail -1)
	run hpread heap "$W/heap/$f"
	if [ "$RC" = 0 ] && grep -q "main.steadyTable" "$W/hpread.out"; then
		ok "a kept heap snapshot reads back with gtriage heap"
	else bad "gtriage heap on $f: exit $RC" "$W/hpread.err"; fi

	run htrend trend -f json "$W/heap"
	if [ "$RC" = 1 ] && python3 - "$W/htrend.out" <<'PY' >"$W/htrend.why" 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
h = d["heap"]
def fl(s): return [f["func"] for f in s["frames"]]
hoard = [s for s in h["sites"] if "main.hoard" in fl(s)]
steady = [s for s in h["sites"] if "main.steadyTable" in fl(s)]
assert len(h["snapshots"]) == 3, h["snapshots"]
assert any(s["growing"] and s["bytes_per_hour"] > 0 for s in hoard), hoard
assert steady and not any(s["growing"] for s in steady), steady
assert d["snapshots"] and len(d["snapshots"]) == 3, "goroutine series"
PY
	then ok "trend over the snap directory: the heap series beside the goroutine one, main.hoard growing, main.steadyTable not"
	else bad "trend -f json over the heap snapshots: exit $RC" "$W/htrend.why"; fi

	run hprom trend -f prom "$W/heap"
	if grep -q '^gtriage_heap_inuse_bytes{source="[^"]*"} [1-9]' "$W/hprom.out" &&
		grep -q '^gtriage_heap_site_growth_bytes_per_hour{.*main\.hoard.*} [1-9]' "$W/hprom.out" &&
		grep -q '^gtriage_snapshots' "$W/hprom.out"; then
		ok "trend -f prom: gtriage_heap_inuse_bytes and main.hoard's bytes/h beside the goroutine metrics"
	else bad "trend -f prom over the heap snapshots" "$W/hprom.out"; fi

	# a target that fails keeps nothing
	run hpbad snap --profile heap "bad=http://127.0.0.1:$FREE" --dir "$W/heapbad"
	if [ "$RC" = 2 ] && grep -q "debug/pprof/heap" "$W/hpbad.err" &&
		[ -z "$(ls -A "$W/heapbad" 2>/dev/null)" ]; then
		ok "snap --profile heap on a closed port: exit 2, the heap URL named, nothing kept"
	else bad "snap --profile heap, no heap page: exit $RC" "$W/hpbad.err"; ls -la "$W/heapbad"; fi
else bad "start the heap server" "$W/heap.log"; fi

# A URL of 3000 bytes still leaves room for the reason.
long=$(printf "%03000d" 0)
run longurl "http://127.0.0.1:$FREE/$long"
expect_err longurl 2 "connection refused by 127.0.0.1 port $FREE" "a 3000-byte URL: the message keeps its reason"

# -o onto what snap keeps: refused before fetching
k=$(ls "$W/snaps" | head -1)
cp "$W/snaps/$k" "$W/keep.copy"
run snapo snap -o "$W/snaps/$k" "$S/debug/pprof/goroutine" --dir "$W/snaps"
if [ "$RC" = 2 ] && grep -q "refusing to overwrite" "$W/snapo.err" && cmp -s "$W/keep.copy" "$W/snaps/$k"; then
	ok "snap -o onto a kept snapshot: refused, the snapshot intact"
else bad "snap -o onto a kept snapshot: exit $RC" "$W/snapo.err"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
