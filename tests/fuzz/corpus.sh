#!/bin/sh
# Builds the seed corpora of the fuzz targets from samples/ and the rule
# files: corpus.sh OUTDIR. Samples are split at line ends into pieces of at
# most 64 KiB (4 KiB for the joiner) and given the targets' two header
# bytes: the parser's pieces cycle through every log-prefix style, a log
# capture keeps its own prefix.
set -eu
out=$1
rm -rf "$out/corpus-parse" "$out/corpus-joiner" "$out/corpus-rules" "$out/corpus-pprof" "$out/split"
mkdir -p "$out/corpus-parse" "$out/corpus-joiner" "$out/corpus-rules" "$out/corpus-pprof" "$out/split"

# header FILE SELECTOR SEED BODY: two bytes, then BODY
header() {
	{ printf "\\$(printf %03o "$2")\\$(printf %03o "$3")"; cat "$4"; } > "$1"
}

i=0
for f in samples/*.txt samples/*.log samples/*.bin samples/series/*.txt; do
	[ -f "$f" ] || continue
	base=$(basename "$f")
	split -C 65536 -a 3 "$f" "$out/split/$base."
	for piece in "$out/split/$base".*; do
		case $base in
		*.log) sel=0 ;;
		*) sel=$((i % 6 + (i / 6 % 2) * 8 + (i / 12 % 8) * 16)) ;;
		esac
		header "$out/corpus-parse/$(basename "$piece")" $sel $((i % 256)) "$piece"
		i=$((i + 1))
	done
done

rm -rf "$out/split" && mkdir -p "$out/split"
for f in samples/*.log; do
	base=$(basename "$f")
	case $base in
	*kubectl*) kind=1 ;;
	*docker-json*) kind=4 ;;
	*docker*) kind=2 ;;
	*journald*) kind=3 ;;
	*) kind=0 ;;
	esac
	split -C 4096 -a 4 "$f" "$out/split/$base."
	for piece in "$out/split/$base".*; do
		header "$out/corpus-joiner/$(basename "$piece")" $kind 0 "$piece"
	done
done
rm -rf "$out/split"

for f in patterns/*.rules tests/e2e/rules/*.rules; do
	cp "$f" "$out/corpus-rules/$(echo "$f" | tr / _)"
done

# the protobuf decoder's seeds: every profile of samples/, inflated
for f in samples/*.pb.gz samples/*.pb; do
	[ -f "$f" ] || continue
	case $f in
	*.gz) gzip -dc "$f" >"$out/corpus-pprof/$(basename "$f" .gz)" ;;
	*) cp "$f" "$out/corpus-pprof/" ;;
	esac
done

# the heap reader's seeds: the heap profiles of samples/, both forms
rm -rf "$out/corpus-heap" && mkdir -p "$out/corpus-heap"
for f in samples/*heap*.pb.gz samples/series-heap/pb/*.pb.gz; do
	[ -f "$f" ] || continue
	gzip -dc "$f" >"$out/corpus-heap/$(basename "$f" .gz)"
done
for f in samples/series-heap/text/*.txt; do
	[ -f "$f" ] && cp "$f" "$out/corpus-heap/"
done
