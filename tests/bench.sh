#!/bin/sh
# make bench: gtriage's throughput and peak RSS reading a real dump of
# 1,000,000 goroutines (about 30 distinct stacks, some 50 frames deep) from
# stdin, next to `grep -c '^goroutine '` on the same file in the same run;
# then the protobuf profile of those goroutines next to `go tool pprof -top`.
# The dump is made once by samples/gen/benchdump and kept in build/bench/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${BENCH_GOROUTINES:-1000000}
runs=${BENCH_RUNS:-3}
dir=$top/build/bench
dump=$dir/dump-$n.txt
mkdir -p "$dir"

if [ ! -s "$dump" ]; then
	go=$(sh "$top/tests/find-go.sh")
	echo "building the dump generator with $($go version)"
	(cd "$top/samples/gen" && "$go" build -trimpath -o "$dir/benchdump" ./benchdump)
	echo "writing $n goroutines to $dump"
	"$dir/benchdump" -n "$n" -o "$dump.tmp"
	mv "$dump.tmp" "$dump"
fi
size=$(wc -c <"$dump")
cat "$dump" >/dev/null # page cache: both tools read the same warm file

# best of $runs: prints "seconds peak-kib"
measure() {
	best=
	i=0
	while [ $i -lt "$runs" ]; do
		/usr/bin/time -f '%e %M' -o "$dir/time" "$@" <"$dump" >"$dir/out" || [ $? = 1 ]
		# time(1) puts "Command exited with non-zero status" first
		t=$(tail -n 1 "$dir/time" | cut -d' ' -f1)
		m=$(tail -n 1 "$dir/time" | cut -d' ' -f2)
		if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then
			best=$t
			mem=$m
		fi
		i=$((i + 1))
	done
	echo "$best $mem"
}

set -- $(measure grep -c '^goroutine ')
grep_s=$1 grep_kib=$2
grep_count=$(cat "$dir/out")
set -- $(measure "$top/gtriage" -f json)
gt_s=$1 gt_kib=$2
gt_count=$(sed -n 's/^  "goroutines": \([0-9]*\),$/\1/p' "$dir/out" | head -1)

awk -v size="$size" -v gs="$grep_s" -v gk="$grep_kib" -v ts="$gt_s" \
	-v tk="$gt_kib" -v gc="$grep_count" -v tc="$gt_count" 'BEGIN {
	mb = size / 1e6
	gtp = gs > 0 ? mb / gs : 0
	ttp = ts > 0 ? mb / ts : 0
	printf "input: %.0f MB, %d goroutines (grep counts %d)\n", mb, tc, gc
	printf "%-10s %8s %10s %12s\n", "tool", "seconds", "MB/s", "peak RSS"
	printf "%-10s %8.2f %10.0f %9.1f MiB\n", "grep -c", gs, gtp, gk / 1024
	printf "%-10s %8.2f %10.0f %9.1f MiB\n", "gtriage", ts, ttp, tk / 1024
	ratio = gtp > 0 ? ttp / gtp : 0
	verdict = (ratio >= 0.5) ? "ok" : "BELOW TARGET"
	printf "throughput vs grep: %.2f (target >= 0.50): %s\n", ratio, verdict
	verdict = (tk <= 65536) ? "ok" : "ABOVE TARGET"
	printf "peak RSS: %.1f MiB (target <= 64 MiB): %s\n", tk / 1024, verdict
	if (tc != gc)
		printf "goroutine counts differ: gtriage %d, grep %d\n", tc, gc
}'
status=0
[ "$gt_count" = "$grep_count" ] || status=1

# The same million goroutines as a protobuf profile (debug=0, as
# /debug/pprof/goroutine serves it): gtriage next to `go tool pprof -top`.
pb=$dir/goroutine-$n.pb.gz
go=$(sh "$top/tests/find-go.sh")
if [ ! -s "$pb" ]; then
	# built again: a generator kept from an older tree may lack -proto
	(cd "$top/samples/gen" && "$go" build -trimpath -o "$dir/benchdump" ./benchdump)
	echo "writing the protobuf profile of $n goroutines to $pb"
	"$dir/benchdump" -n "$n" -o /dev/null -proto "$pb.tmp"
	mv "$pb.tmp" "$pb"
fi
dump=$pb # what measure() feeds on stdin
pb_size=$(wc -c <"$pb")
set -- $(measure "$top/gtriage" -f json)
pg_s=$1 pg_kib=$2
pg_count=$(sed -n 's/^  "goroutines": \([0-9]*\),$/\1/p' "$dir/out" | head -1)
set -- $(measure "$go" tool pprof -top "$pb")
pp_s=$1 pp_kib=$2
pp_total=$(sed -n 's/.* of \([0-9]*\) total.*/\1/p' "$dir/out" | head -1)
awk -v size="$pb_size" -v gs="$pg_s" -v gk="$pg_kib" -v ps="$pp_s" \
	-v pk="$pp_kib" -v gc="$pg_count" -v pc="$pp_total" '
# time(1) counts in hundredths: below that, say so
function row(tool, s, n, kib) {
	if (s > 0)
		printf "%-16s %8.2f %12.0f %9.1f MiB\n", tool, s, n / s, kib / 1024
	else
		printf "%-16s %8s %12s %9.1f MiB\n", tool, "<0.01", ">" n * 100, kib / 1024
}
BEGIN {
	printf "\nprotobuf profile: %d bytes (gzip), %d goroutines (pprof total %d)\n", size, gc, pc
	printf "%-16s %8s %12s %12s\n", "tool", "seconds", "goroutines/s", "peak RSS"
	row("gtriage", gs, gc, gk)
	row("go tool pprof", ps, pc, pk)
	if (gc != pc)
		printf "goroutine counts differ: gtriage %d, pprof %d\n", gc, pc
}'
[ "$pg_count" = "$pp_total" ] || status=1

if [ -x "$top/tests/live/bench-snap.sh" ] || [ -f "$top/tests/live/bench-snap.sh" ]; then
	GTRIAGE=$top/gtriage sh "$top/tests/live/bench-snap.sh"
fi
# A heap profile of $BENCH_HEAP_SITES distinct allocation sites (100,000),
# made by samples/gen/benchheap with runtime/pprof in both forms:
# `gtriage heap` next to `go tool pprof -top` on the same file, best of
# $runs, and the objects in use each counts (within 1%).
# best of $runs of a command on a file argument: prints "seconds peak-kib"
heap_measure() {
	hbest=
	hi=0
	while [ $hi -lt "$runs" ]; do
		/usr/bin/time -f '%e %M' -o "$dir/time" "$@" </dev/null >"$dir/out" 2>/dev/null || [ $? = 1 ]
		t=$(tail -n 1 "$dir/time" | cut -d' ' -f1)
		m=$(tail -n 1 "$dir/time" | cut -d' ' -f2)
		if [ -z "$hbest" ] || awk -v t="$t" -v b="$hbest" 'BEGIN { exit !(t < b) }'; then
			hbest=$t
			hmem=$m
		fi
		hi=$((hi + 1))
	done
	echo "$hbest $hmem"
}

bench_heap() {
	hn=${BENCH_HEAP_SITES:-100000}
	hgo=$(sh "$top/tests/find-go.sh")
	hpb=$dir/heap-$hn.pb.gz
	htxt=$dir/heap-$hn.txt
	if [ ! -s "$hpb" ] || [ ! -s "$htxt" ]; then
		(cd "$top/samples/gen" && "$hgo" build -trimpath -o "$dir/benchheap" ./benchheap)
		echo "writing a heap profile of $hn sites to $hpb and $htxt"
		"$dir/benchheap" -n "$hn" -pb "$hpb.tmp" -text "$htxt.tmp"
		mv "$hpb.tmp" "$hpb"
		mv "$htxt.tmp" "$htxt"
	fi
	printf "\nheap profile, %d allocation sites\n" "$hn"
	printf "%-8s %-14s %8s %12s %12s %14s\n" form tool seconds sites/s "peak RSS" "objects in use"
	for f in "$hpb" "$htxt"; do
		form=protobuf
		case $f in *.txt) form=text ;; esac
		cat "$f" >/dev/null # page cache: both tools read the same warm file
		set -- $(heap_measure "$top/gtriage" heap "$f")
		hg_s=$1 hg_kib=$2
		hg_sites=$(sed -n 's/^\([0-9]*\) allocation sites;.*/\1/p' "$dir/out")
		hg_obj=$(sed -n 's/.* in use in \([0-9]*\) objects.*/\1/p' "$dir/out" | head -1)
		# every site in JSON: streamed, so memory stays that of the text report
		set -- $(heap_measure "$top/gtriage" heap -f json "$f")
		hj_s=$1 hj_kib=$2
		set -- $(heap_measure "$hgo" tool pprof -top -sample_index=inuse_objects "$f")
		hp_s=$1 hp_kib=$2
		hp_obj=$(sed -n 's/.* of \([0-9]*\) total.*/\1/p' "$dir/out" | head -1)
		awk -v form="$form" -v gs="$hg_s" -v gk="$hg_kib" -v ps="$hp_s" \
			-v pk="$hp_kib" -v n="$hg_sites" -v gobj="$hg_obj" -v pobj="$hp_obj" \
			-v js="$hj_s" -v jk="$hj_kib" '
		function row(tool, s, kib, obj) {
			if (s > 0)
				printf "%-8s %-14s %8.2f %12.0f %8.1f MiB %14d\n", form, tool, s, n / s, kib / 1024, obj
			else
				printf "%-8s %-14s %8s %12s %8.1f MiB %14d\n", form, tool, "<0.01", ">" n * 100, kib / 1024, obj
		}
		BEGIN {
			row("gtriage heap", gs, gk, gobj)
			row("  -f json", js, jk, gobj)
			row("go tool pprof", ps, pk, pobj)
			if (ps > 0 && gs > 0)
				printf "%-8s gtriage/pprof: %.2f of the time, %.2f of the peak RSS\n", form, gs / ps, gk / pk
		}'
		if [ -z "$hg_obj" ] || [ -z "$hp_obj" ] ||
			! awk -v a="$hg_obj" -v b="$hp_obj" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d <= b / 100) }'; then
			echo "heap ($form): objects in use differ: gtriage ${hg_obj:-?}, pprof ${hp_obj:-?}"
			status=1
		fi
	done
}
bench_heap

exit $status
