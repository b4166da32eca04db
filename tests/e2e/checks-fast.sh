# Sourced by run.sh ($bin, $tmp, ok, ko): a goroutine body that repeats one
# read before is not read again (parse_fast.c), and the reports are byte for
# byte those of reading every line ($GTRIAGE_FAST=0), exit status and
# messages included.
fast_run() { # FORMAT THREADS FILE
	"$bin" --threads "$2" -v -f "$1" "$3" 2>&1
	echo "exit: $?"
}

# Every sample, and every sample with copies of itself whose stacks differ
# from the first copy's in one place each: an argument word, an offset, a
# parent id (one digit longer), a file's line number, a line ending.
fast_n=0
fast_bad=0
fast_seen=0
for f in samples/*; do
	[ -f "$f" ] || continue
	case $f in *.gz | *.bin | *.md) continue ;; esac
	v=$tmp/fast-variant.txt
	{
		cat "$f"
		sed -e '1~3s/(0x\([0-9a-f]\)/(0x1\1/' "$f"
		sed -e '2~3s/ +0x\([0-9a-f]*\)$/ +0x1\1/' "$f"
		sed -e '2~2s/ in goroutine \([0-9]*\)$/ in goroutine 9\1/' "$f"
		sed -e '1~5s/\.go:\([0-9]*\)/.go:1\1/' "$f"
		sed -e '3~7s/$/ /' "$f"
		cat "$f"
	} >"$v"
	for in in "$f" "$v"; do
		name=$f
		[ "$in" = "$v" ] && name="$f with altered copies"
		for fmt in text json markdown; do
			fast_run "$fmt" 1 "$in" >"$tmp/fast-on"
			GTRIAGE_FAST=0 fast_run "$fmt" 1 "$in" >"$tmp/fast-off"
			cmp -s "$tmp/fast-on" "$tmp/fast-off" || {
				ko "fast: $name -f $fmt" "differs from reading every line"
				diff "$tmp/fast-off" "$tmp/fast-on" | head -10
				fast_bad=$((fast_bad + 1))
			}
		done
		GTRIAGE_CHUNK=4096 fast_run json 2 "$in" >"$tmp/fast-on"
		GTRIAGE_FAST=0 fast_run json 1 "$in" >"$tmp/fast-off"
		cmp -s "$tmp/fast-on" "$tmp/fast-off" || {
			ko "fast: $name on 2 threads" "differs from reading every line"
			fast_bad=$((fast_bad + 1))
		}
	done
	# not vacuous: the copies' repeated bodies were recognised
	r=$(GTRIAGE_CHUNK_STATS=1 "$bin" --threads 1 "$v" 2>&1 >/dev/null |
		sed -n 's/.* joined, \([0-9]*\) bodies recognised$/\1/p')
	[ "${r:-0}" -gt 0 ] && fast_seen=$((fast_seen + 1))
	fast_n=$((fast_n + 1))
done
[ "$fast_n" -gt 50 ] && [ "$fast_bad" = 0 ] &&
	ok "fast: $fast_n samples and their altered copies, text, json and markdown, the same as reading every line"
[ "$fast_seen" -gt 40 ] && ok "fast: repeated bodies recognised in $fast_seen of $fast_n inputs" ||
	ko "fast: repeated bodies recognised" "only in $fast_seen of $fast_n inputs"

# What differs per goroutine of one stack is still read: one dump of a
# stack repeated, each copy with its own parent id, then copies that differ
# in an argument word, an offset, a line number.
fast_g() { # ID PARENT ARG OFFSET LINE
	printf 'goroutine %s [chan receive, %s minutes]:\n' "$1" "$1"
	printf 'main.worker(0x%s, 0x2)\n\t/app/main.go:%s +0x%s\n' "$3" "$5" "$4"
	printf 'created by main.main in goroutine %s\n\t/app/main.go:20 +0x55\n\n' "$2"
}
{
	printf 'goroutine 1 [running]:\nmain.main()\n\t/app/main.go:30 +0x1d\n\n'
	i=2
	while [ $i -le 40 ]; do
		fast_g $i $((i % 3 + 1)) c000010000 2a 12
		i=$((i + 1))
	done
	fast_g 41 1 c000099000 2a 12
	fast_g 42 1 c000010000 2b 12
	fast_g 43 1 c000010000 2a 13
	fast_g 44 12345678901 c000010000 2a 12
} >"$tmp/fast-vary.txt"
GTRIAGE_FAST=0 fast_run json 1 "$tmp/fast-vary.txt" >"$tmp/fast-off"
fast_run json 1 "$tmp/fast-vary.txt" >"$tmp/fast-on"
r=$(GTRIAGE_CHUNK_STATS=1 "$bin" --threads 1 "$tmp/fast-vary.txt" 2>&1 >/dev/null |
	sed -n 's/.* joined, \([0-9]*\) bodies recognised$/\1/p')
"$bin" -f json "$tmp/fast-vary.txt" >"$tmp/fast-json"
# 42 goroutines at line 12 with 4 parents (3 alive) and 2 wait objects;
# the one at line 13 apart
fast_facts=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
for g in r["groups"]:
    f = g["facts"]
    print(g["count"], g["frames"][0]["line"], f["parents"]["distinct"],
          f["parents"]["alive"], f["wait_object"]["distinct"],
          f["wait_object"]["top_count"])
' "$tmp/fast-json" 2>&1 | sort | tr '\n' ' ')
if cmp -s "$tmp/fast-on" "$tmp/fast-off" && [ "${r:-0}" -ge 38 ] &&
	[ "$fast_facts" = "1 13 1 1 1 1 1 30 0 0 0 0 42 12 4 41 2 41 " ]; then
	ok "fast: a repeated stack with its own parent ids, args, offsets and lines: the same report, $r bodies recognised"
else
	ko "fast: a repeated stack varied" "reports differ or nothing recognised ($r): $fast_facts"
	diff "$tmp/fast-off" "$tmp/fast-on" | head -10
fi
