#!/bin/sh
# make bench: gtriage's throughput and peak RSS reading a real dump of
# 1,000,000 goroutines (about 30 distinct stacks, some 50 frames deep), and
# one of the same size made of short inlined-frame lines, on one thread and
# on all, from the file and from a pipe, next to `grep -c '^goroutine '` and
# `wc -l` on the same file in the same run; then the protobuf profile of
# those goroutines next to `go tool pprof -top`.
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

# A dump of about the same size made of short inlined-frame lines (the
# shape of a service built from many small helpers): goroutines to write
# scaled from a small probe's bytes per goroutine.
inl=$dir/inlined-$n.txt
if [ ! -s "$inl" ]; then
	# built again: a copy from before -inlined would not know it
	(cd "$top/samples/gen" && "$(sh "$top/tests/find-go.sh")" build -trimpath -o "$dir/benchdump" ./benchdump)
	"$dir/benchdump" -n 10000 -inlined -o "$dir/probe.txt" 2>/dev/null
	n2=$(awk -v s="$size" -v p="$(wc -c <"$dir/probe.txt")" 'BEGIN { printf "%d", s / (p / 10001) }')
	rm -f "$dir/probe.txt"
	echo "writing $n2 goroutines of short inlined frames to $inl"
	"$dir/benchdump" -n "$n2" -inlined -o "$inl.tmp"
	mv "$inl.tmp" "$inl"
fi
# all threads: what gtriage takes by default (the cores it may run on)
threads=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)

# best of $runs of CMD... with stdin redirected from $dump (how=file) or
# piped through cat (how=pipe): prints "seconds peak-kib"
measure_how() {
	how=$1
	shift
	best=
	i=0
	while [ $i -lt "$runs" ]; do
		if [ "$how" = pipe ]; then
			/usr/bin/time -f '%e %M' -o "$dir/time" sh -c 'cat "$0" | "$@"' "$dump" "$@" >"$dir/out" || [ $? = 1 ]
		else
			/usr/bin/time -f '%e %M' -o "$dir/time" "$@" <"$dump" >"$dir/out" || [ $? = 1 ]
		fi
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
measure() { measure_how file "$@"; }

# One table per dump: grep and wc -l, then the default triage (text
# report) on 1 thread and on all, reading the file by name and a pipe.
status=0
for dump in "$dump" "$inl"; do
	size=$(wc -c <"$dump")
	cat "$dump" >/dev/null # page cache: every tool reads the same warm file
	set -- $(measure grep -c '^goroutine ')
	grep_s=$1 grep_kib=$2
	grep_count=$(cat "$dir/out")
	"$top/gtriage" -f json "$dump" >"$dir/out" || [ $? = 1 ]
	gt_count=$(sed -n 's/^  "goroutines": \([0-9]*\),$/\1/p' "$dir/out" | head -1)
	echo
	echo "input: $(basename "$dump"), $((size / 1000000)) MB, $gt_count goroutines (grep counts $grep_count)"
	printf '%-28s %8s %8s %7s %12s\n' tool seconds MB/s "x grep" "peak RSS"
	row() { # NAME HOW CMD... (CMD "-": grep's figures, measured above)
		name=$1
		how=$2
		shift 2
		if [ "$1" = - ]; then
			set -- "$grep_s" "$grep_kib"
		else
			set -- $(measure_how "$how" "$@")
		fi
		awk -v n="$name" -v size="$size" -v t="$1" -v k="$2" -v g="$grep_s" 'BEGIN {
			mbs = 0; x = 0
			if (t > 0) { mbs = size / 1e6 / t; x = g / t }
			printf "%-28s %8.2f %8.0f %7.2f %8.1f MiB\n", n, t, mbs, x, k / 1024
		}'
		echo "$1 $2" >"$dir/last"
	}
	row "grep -c '^goroutine '" file -
	row "grep -c, pipe" pipe grep -c '^goroutine '
	set -- $(cat "$dir/last")
	grep_pipe_s=$1
	row "wc -l" file wc -l
	row "gtriage 1 thread, file" file "$top/gtriage" --threads 1 "$dump"
	row "gtriage 1 thread, pipe" pipe "$top/gtriage" --threads 1 -
	row "gtriage $threads threads, file" file "$top/gtriage" --threads "$threads" "$dump"
	set -- $(cat "$dir/last")
	all_s=$1 all_kib=$2
	row "gtriage $threads threads, < file" file "$top/gtriage" --threads "$threads" -
	set -- $(cat "$dir/last")
	stdin_s=$1 stdin_kib=$2
	row "gtriage $threads threads, pipe" pipe "$top/gtriage" --threads "$threads" -
	set -- $(cat "$dir/last")
	pipe_s=$1
	awk -v t="$all_s" -v k="$all_kib" -v g="$grep_s" -v st="$stdin_s" \
		-v sk="$stdin_kib" -v p="$pipe_s" -v gp="$grep_pipe_s" 'BEGIN {
		r = 0
		if (t > 0) r = g / t
		if (st > 0 && g / st < r) r = g / st
		if (sk > k) k = sk
		v = "BELOW TARGET"
		if (r >= 1) v = "ok"
		printf "all threads vs grep (file, stdin < file): %.2fx (target >= 1.00): %s\n", r, v
		if (p > 0)
			printf "through a pipe: %.2fx grep through the same pipe\n", gp / p
		v = "ABOVE TARGET"
		if (k <= 65536) v = "ok"
		printf "peak RSS: %.1f MiB (target <= 64 MiB): %s\n", k / 1024, v
	}'
	if [ "$gt_count" != "$grep_count" ]; then
		echo "goroutine counts differ: gtriage $gt_count, grep $grep_count"
		status=1
	fi
done
dump=$dir/dump-$n.txt

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
