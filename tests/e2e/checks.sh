# Sourced by run.sh ($bin, $tmp, $pass, $fail): end-to-end behaviour that is
# a relation between runs rather than one golden file.

ok() {
	echo "PASS $1"
	pass=$((pass + 1))
}
ko() {
	echo "FAIL $1${2:+: $2}"
	fail=$((fail + 1))
}
same() { # NAME FILE1 FILE2
	if cmp -s "$2" "$3"; then ok "$1"; else ko "$1" "outputs differ"; diff -u "$2" "$3" | head -20; fi
}

s=samples/go1.26-debug2.txt

# The same bytes give the same report whatever way they arrive.
"$bin" <"$s" >"$tmp/a" 2>&1
gzip -dc samples/go1.26-debug2.txt.gz | "$bin" >"$tmp/b" 2>&1
same "stdin file == gunzipped pipe" "$tmp/a" "$tmp/b"
cat "$s" | "$bin" >"$tmp/b" 2>&1
same "stdin file (mapped) == pipe (read)" "$tmp/a" "$tmp/b"
"$bin" - <"$s" >"$tmp/b" 2>&1
same "'-' reads stdin" "$tmp/a" "$tmp/b"

# A log with the same dump under each prefix: identical groups.
"$bin" -f json "$s" | sed '/"source"/d; /"prefix"/d; /"time"/d' >"$tmp/plain.json"
for f in samples/go1.26-debug2-kubectl.log samples/go1.26-debug2-docker.log \
	samples/go1.26-debug2-journald.log samples/go1.26-debug2-docker-json.log \
	samples/go1.26-debug2-crlf.txt; do
	"$bin" -f json "$f" | sed '/"source"/d; /"prefix"/d; /"time"/d; /"lineno"/d' >"$tmp/p.json"
	sed '/"lineno"/d' "$tmp/plain.json" >"$tmp/plain2.json"
	same "same groups through $(basename "$f")" "$tmp/plain2.json" "$tmp/p.json"
done

# A 1 GB dump streamed through a pipe: memory stays flat. The body is the
# debug=2 capture without its goroutine 1 and pprof writer (which would
# start new dumps), doubled to 64 MiB and sent 16 times.
awk 'BEGIN { RS = ""; ORS = "\n\n" } !/^goroutine 1 \[/ && !/writeGoroutineStacks/' "$s" >"$tmp/body"
head -n 4 "$s" >"$tmp/big0"
echo >>"$tmp/big0"
i=0
while [ $i -lt 9 ]; do cat "$tmp/body" "$tmp/body" >"$tmp/body2"; mv "$tmp/body2" "$tmp/body"; i=$((i + 1)); done
per=$(grep -c '^goroutine ' "$tmp/body")
want=$((per * 16 + 1))
feed() { cat "$tmp/big0"; j=0; while [ $j -lt 16 ]; do cat "$tmp/body"; j=$((j + 1)); done; }
if [ -x /usr/bin/time ] && [ -z "${SANITIZE_RUN:-}" ]; then
	feed | /usr/bin/time -f '%M' -o "$tmp/rss" "$bin" -f json >"$tmp/big.json" 2>/dev/null
	rss=$(tail -n 1 "$tmp/rss")
else
	feed | "$bin" -f json >"$tmp/big.json" 2>/dev/null
	rss=0
fi
got=$(sed -n 's/^  "goroutines": \([0-9]*\),$/\1/p' "$tmp/big.json" | head -n 1)
bytes=$(($(wc -c <"$tmp/body") * 16 / 1048576))
if [ "$got" = "$want" ]; then ok "1 GB stream ($bytes MiB): $got goroutines counted"; else ko "1 GB stream" "got $got, want $want"; fi
if [ "$rss" -le 65536 ]; then ok "1 GB stream: peak RSS ${rss} KiB <= 64 MiB"; else ko "1 GB stream peak RSS" "${rss} KiB"; fi
rm -f "$tmp/body" "$tmp/big.json"

# Huge lines and NUL bytes around a dump: skipped, the dump still triaged.
{ head -c 3000000 /dev/zero | tr '\0' 'x'; printf '\n\0\0garbage\0\n'; cat "$s"; } >"$tmp/huge"
"$bin" "$tmp/huge" >"$tmp/out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q '251 goroutines' "$tmp/out"; then ok "3 MB line and NUL bytes before a dump"; else ko "huge line" "exit $rc"; fi

# -o replaces the file atomically, and a failed run leaves it alone.
echo "previous report" >"$tmp/report.txt"
"$bin" -o "$tmp/report.txt" "$s" >/dev/null 2>&1
if head -n 1 "$tmp/report.txt" | grep -q '^gtriage: '; then ok "-o writes the report"; else ko "-o writes the report"; fi
cp "$tmp/report.txt" "$tmp/keep.txt"
"$bin" -o "$tmp/report.txt" samples/binary-garbage.bin >/dev/null 2>&1
rc=$?
if [ $rc = 2 ] && cmp -s "$tmp/report.txt" "$tmp/keep.txt"; then ok "-o keeps the old report when the input is not a dump"; else ko "-o on failure" "exit $rc"; fi
if ls "$tmp"/report.txt.tmp.* >/dev/null 2>&1; then ko "-o leaves no temporary file"; else ok "-o leaves no temporary file"; fi

# Rules from the environment are tried before the built-in ones.
GTRIAGE_RULES=tests/e2e/rules/user.rules "$bin" -f json "$s" >"$tmp/env.json" 2>&1
if grep -q '"team-search-reaper"' "$tmp/env.json"; then ok "GTRIAGE_RULES adds rules"; else ko "GTRIAGE_RULES adds rules"; fi
GTRIAGE_RULES=tests/e2e/rules/bad-key.rules "$bin" "$s" >/dev/null 2>"$tmp/err"
if grep -q 'bad-key.rules:2' "$tmp/err"; then ok "GTRIAGE_RULES errors name file:line"; else ko "GTRIAGE_RULES errors"; fi

# Colour: never with NO_COLOR or when not asked, always when asked.
"$bin" --color=always "$s" | grep -q "$(printf '\033')\[" && ok "--color=always colours" || ko "--color=always colours"
NO_COLOR=1 "$bin" --color=auto "$s" | grep -q "$(printf '\033')" && ko "NO_COLOR" || ok "NO_COLOR: no escapes"

# Verdicts: "leak" is true exactly for the groups whose verdict is leak,
# and the exit status is 1 exactly when there is one.
if command -v jq >/dev/null 2>&1; then
	bad=
	for f in samples/*.txt samples/*.log; do
		"$bin" -f json "$f" >"$tmp/v.json" 2>/dev/null
		rc=$?
		[ -s "$tmp/v.json" ] || continue
		n=$(jq '[.groups[] | select(.leak != (.verdict == "leak"))] | length' "$tmp/v.json")
		l=$(jq '[.groups[] | select(.verdict == "leak")] | length' "$tmp/v.json")
		if [ "$n" != 0 ] || { [ "$l" -gt 0 ] && [ $rc != 1 ]; } || { [ "$l" = 0 ] && [ $rc = 1 ]; }; then
			bad="$bad $(basename "$f")"
		fi
	done
	if [ -z "$bad" ]; then ok "leak == (verdict leak), exit 1 iff a leak, over every sample"; else ko "leak and verdict" "$bad"; fi
fi

# One problem, one finding: the read and write loops of the connections
# whose bodies were never closed, and a mutex pile-up with its holder.
"$bin" samples/go1.26-httpconns.txt >"$tmp/f.txt"
if grep -q '^F[0-9]* leak  120 goroutines in 2 groups: \[[0-9]*\] net/http.(\*persistConn).readLoop, \[[0-9]*\] net/http.(\*persistConn).writeLoop$' "$tmp/f.txt"; then
	ok "readLoop and writeLoop of the same connections: one finding"
else
	ko "readLoop and writeLoop: one finding"
fi
"$bin" samples/go1.26-longwait.txt >"$tmp/f.txt"
if grep -q 'cache.(\*Store).Get, \[[0-9]*\] example.com/shop/internal/cache.(\*Store).Refresh$' "$tmp/f.txt" &&
	grep -q 'held by goroutine 6, itself' "$tmp/f.txt"; then
	ok "lock waiters and the holder: one finding, the holder named"
else
	ko "lock waiters and holder"
fi

# Help and version.
"$bin" --help | grep -q -- '--min-minutes' && ok "--help lists the options" || ko "--help"
"$bin" --version | grep -q '^gtriage [0-9]' && ok "--version" || ko "--version"
"$bin" trend --help >/dev/null 2>&1 && ok "trend --help" || ko "trend --help"
"$bin" diff --help >/dev/null 2>&1 && ok "diff --help" || ko "diff --help"

# A reader that goes away (head) is not a crash.
"$bin" -v samples/go1.26-sigquit.txt 2>"$tmp/err" | head -n 1 >/dev/null
if grep -qi 'sanitizer\|core dumped' "$tmp/err"; then ko "closed pipe"; else ok "closed pipe: no crash"; fi
