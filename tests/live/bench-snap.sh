#!/bin/sh
# How `gtriage snap` scales with targets: 50 endpoints on one local Go
# server (tests/live/server), each answering after 0.4 to 0.6 s, fetched
# by one snap run, against the slowest of them alone. Concurrent fetching
# shows as a 50-target time close to the slowest single one, far from the
# sum of all delays.
#
#   GTRIAGE=./gtriage sh tests/live/bench-snap.sh [TARGETS]
#
# Needs Go like tests/live/run.sh. Best of 3 runs each.

set -u

here=$(cd "$(dirname "$0")" && pwd)
G=${GTRIAGE:-./gtriage}
case $G in /*) ;; *) G=$(pwd)/$G ;; esac
N=${1:-50}
GO=$(command -v go || echo /usr/lib/go-1.19/bin/go)
[ -x "$GO" ] || { echo "SKIP: no Go toolchain"; exit 0; }

W=$(mktemp -d "${TMPDIR:-/tmp}/gtriage-bench.XXXXXX")
spid=
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

export GOTOOLCHAIN=local GOFLAGS= GOPROXY=off GOWORK=off CGO_ENABLED=0
(cd "$here/server" && "$GO" build -trimpath -o "$W/server" .) || exit 1
# no leak: every dump has the same size, run after run
"$W/server" -addr-file "$W/port" -limit 300s -leak 0 >/dev/null 2>&1 &
spid=$!
i=0
while [ ! -s "$W/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
B=http://127.0.0.1:$(cat "$W/port")

# target i answers after 400 + (i * 37 mod 201) ms: 0.4 to 0.6 s
urls=
sum=0
slowest=0
i=1
while [ $i -le "$N" ]; do
	ms=$((400 + i * 37 % 201))
	urls="$urls $B/delay/t$i?ms=$ms"
	sum=$((sum + ms))
	if [ $ms -gt $slowest ]; then slowest=$ms; slow_url="$B/delay/slowest?ms=$ms"; fi
	i=$((i + 1))
done

now() { date +%s.%N; }
# best TIMES CMD...: the shortest wall time of TIMES runs, in seconds
best() {
	n=$1
	shift
	b=
	k=0
	while [ $k -lt "$n" ]; do
		rm -rf "$W/d"
		t0=$(now)
		"$@" >/dev/null 2>"$W/err"
		rc=$?
		t1=$(now)
		if [ $rc = 2 ]; then echo "snap failed:" >&2; cat "$W/err" >&2; exit 1; fi
		b=$(awk -v a="$t0" -v z="$t1" -v b="$b" 'BEGIN { t = z - a; print (b == "" || t < b) ? t : b }')
		k=$((k + 1))
	done
	echo "$b"
}

one=$(best 3 "$G" snap "$slow_url" --dir "$W/d")
# shellcheck disable=SC2086
all=$(best 3 "$G" snap $urls --dir "$W/d")
kept=$(ls "$W/d" | grep -c 'Z\.txt$')

printf '\nsnap over slow endpoints on 127.0.0.1\n'
printf 'targets:                      %d (each 0.4-0.6 s, %d kept per run)\n' "$N" "$kept"
printf 'slowest target alone:         %.2f s (its delay %.2f s)\n' "$one" "$(awk "BEGIN { print $slowest / 1000 }")"
printf 'all %d targets, one snap:     %.2f s\n' "$N" "$all"
printf 'sum of the delays:            %.2f s (what one-by-one fetching would take)\n' "$(awk "BEGIN { print $sum / 1000 }")"
printf 'all / slowest alone:          %.2fx\n' "$(awk "BEGIN { print $all / $one }")"
