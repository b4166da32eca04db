# Sourced by run.sh ($bin, $tmp, ok, ko): the report is byte for byte the
# same on one thread and on several, whatever the pieces the input is cut
# into ($GTRIAGE_CHUNK makes them small), from a file and from a pipe,
# exit status and messages included.
thr_run() { # FORMAT THREADS FILE [|]; $thr_args: more options
	# shellcheck disable=SC2086
	if [ "${4:-}" = "|" ]; then
		cat "$3" | "$bin" --threads "$2" -v -f "$1" ${thr_args:-} - 2>&1
	else
		"$bin" --threads "$2" -v -f "$1" ${thr_args:-} "$3" 2>&1
	fi
	echo "exit: $?"
}

# Every sample, in three report formats, cut into 4 KiB pieces.
thr_n=0
thr_bad=0
for f in samples/*; do
	[ -f "$f" ] || continue
	for fmt in text json markdown; do
		thr_run "$fmt" 1 "$f" >"$tmp/thr-1"
		for n in 2 3 8; do
			GTRIAGE_CHUNK=4096 thr_run "$fmt" "$n" "$f" >"$tmp/thr-n"
			cmp -s "$tmp/thr-1" "$tmp/thr-n" || {
				ko "threads: $f -f $fmt" "--threads $n differs from --threads 1"
				thr_bad=$((thr_bad + 1))
			}
		done
		thr_run "$fmt" 1 "$f" "|" >"$tmp/thr-1"
		GTRIAGE_CHUNK=4096 thr_run "$fmt" 3 "$f" "|" >"$tmp/thr-n"
		cmp -s "$tmp/thr-1" "$tmp/thr-n" || {
			ko "threads: $f -f $fmt from a pipe" "--threads 3 differs from --threads 1"
			thr_bad=$((thr_bad + 1))
		}
	done
	thr_n=$((thr_n + 1))
done
[ "$thr_n" -gt 50 ] && [ "$thr_bad" = 0 ] &&
	ok "threads: $thr_n samples, text, json and markdown, the same on 1, 2, 3 and 8 threads in 4 KiB pieces"

# Inputs whose pieces end inside what cannot be read apart: a crash's
# header, a log prefix (kubectl), a dump cut short in the middle of the
# input, several dumps, lines of a log between them. Cut at many sizes
# (primes, so the cuts land at ever other places), each is the same.
{
	cat samples/go1.26-service-panic.txt
	printf 'level=info msg="restarting"\nlevel=info msg="listening"\n'
	cat samples/go1.26-debug2-kubectl.log
	cat samples/go1.26-debug2-truncated.txt
	printf '\n'
	cat samples/go1.26-service-sigquit.txt
	cat samples/go1.26-service-debug2.txt
} >"$tmp/thr-mix.txt"
# ... and a dump that ends mid-goroutine at the end of the input
{
	cat samples/go1.26-service-debug2.txt
	head -c 20000 samples/go1.26-service2-debug2.txt
} >"$tmp/thr-cut.txt"
# ... and a log that double-spaces its lines, where a blank line alone
# does not end a goroutine
for f in "$tmp/thr-mix.txt" "$tmp/thr-cut.txt" \
	samples/go1.26-sigquit-double-spaced.txt; do
	for fmt in text json; do
		thr_run "$fmt" 1 "$f" >"$tmp/thr-1"
		thr_run "$fmt" 1 "$f" "|" >"$tmp/thr-p"
		thr_bad=0
		for c in 211 997 4093 7919 30011 262147; do
			for n in 2 3; do
				GTRIAGE_CHUNK=$c thr_run "$fmt" "$n" "$f" >"$tmp/thr-n"
				cmp -s "$tmp/thr-1" "$tmp/thr-n" || {
					ko "threads: $(basename "$f") -f $fmt" "$c-byte pieces on $n threads differ"
					diff "$tmp/thr-1" "$tmp/thr-n" | head -10
					thr_bad=$((thr_bad + 1))
				}
			done
			GTRIAGE_CHUNK=$c thr_run "$fmt" 2 "$f" "|" >"$tmp/thr-n"
			cmp -s "$tmp/thr-p" "$tmp/thr-n" || {
				ko "threads: $(basename "$f") -f $fmt from a pipe" "$c-byte pieces differ"
				thr_bad=$((thr_bad + 1))
			}
		done
		[ "$thr_bad" = 0 ] &&
			ok "threads: $(basename "$f") -f $fmt the same in pieces of 211 B to 256 KiB, file and pipe"
	done
done

# The options that change what a group keeps: ids cut short, stacks by
# function only.
thr_args="--max-ids 3 --group-by func"
thr_run json 1 "$tmp/thr-mix.txt" >"$tmp/thr-1"
thr_bad=0
for c in 997 7919; do
	GTRIAGE_CHUNK=$c thr_run json 2 "$tmp/thr-mix.txt" >"$tmp/thr-n"
	cmp -s "$tmp/thr-1" "$tmp/thr-n" || thr_bad=$((thr_bad + 1))
done
thr_args=
[ "$thr_bad" = 0 ] && ok "threads: --max-ids 3 --group-by func the same in pieces" ||
	ko "threads: --max-ids 3 --group-by func" "pieces differ from one thread"

# Not vacuous: most pieces of those inputs are joined, not read again.
GTRIAGE_CHUNK=4093 GTRIAGE_CHUNK_STATS=1 "$bin" --threads 2 "$tmp/thr-mix.txt" \
	2>&1 >/dev/null | grep pieces >"$tmp/thr-stats"
cat "$tmp/thr-mix.txt" | GTRIAGE_CHUNK=4093 GTRIAGE_CHUNK_STATS=1 "$bin" --threads 2 \
	2>&1 >/dev/null | grep pieces >>"$tmp/thr-stats"
if awk '{ if ($4 * 2 < $2 || $2 < 100) bad = 1 } END { exit bad || NR != 2 }' "$tmp/thr-stats"; then
	ok "threads: pieces joined, file and pipe: $(tr '\n' ' ' <"$tmp/thr-stats")"
else
	ko "threads: pieces joined" "$(tr '\n' ' ' <"$tmp/thr-stats")"
fi

# One thread starts none and reads as before.
thr_run json 1 samples/go1.26-debug2.txt >"$tmp/thr-1"
GTRIAGE_CHUNK_STATS=1 "$bin" --threads 1 samples/go1.26-debug2.txt 2>&1 >/dev/null |
	grep -q '0 pieces, 0 joined' && ok "threads: --threads 1 cuts nothing" ||
	ko "threads: --threads 1" "pieces were cut"
# A bad value is refused.
if "$bin" --threads 0 samples/go1.26-debug2.txt >/dev/null 2>"$tmp/thr-err"; then
	ko "threads: --threads 0 refused" "accepted"
else
	grep -q -- '--threads' "$tmp/thr-err" && ok "threads: --threads 0 refused" ||
		ko "threads: --threads 0 refused" "$(head -c 200 "$tmp/thr-err")"
fi
