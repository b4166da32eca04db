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

# A line over 1 MiB inside a dump is skipped and counted whether it arrives
# within one chunk (a mapped file) or across many (a pipe).
{ head -n 1500 "$s"; head -c 2200000 /dev/zero | tr '\0' 'x'; echo; tail -n +1501 "$s"; } >"$tmp/longmid"
"$bin" -v "$tmp/longmid" 2>&1 | sed 1d >"$tmp/a"
cat "$tmp/longmid" | "$bin" -v 2>&1 | sed 1d >"$tmp/b"
same "2 MB line in a dump: file == pipe" "$tmp/a" "$tmp/b"
if grep -q '^note: 1 overlong line skipped' "$tmp/a"; then ok "2 MB line in a dump: counted"; else ko "2 MB line in a dump: counted"; fi
rm -f "$tmp/longmid"

# One goroutine 100,000 frames deep: its frames carried from chunk to chunk
# of a pipe are copied once, not at every chunk, so peak memory from a pipe
# stays close to that from the file. Tiny chunks give the same report.
awk 'BEGIN { print "goroutine 1 [running]:"
	for (i = 0; i < 100000; i++)
		printf "main.recurse%d(0xc000012345, 0x%x)\n\t/src/app/deep.go:%d +0x1d\n", i % 7, i, 10 + i % 50
	print "created by main.main in goroutine 1"; print "\t/src/app/main.go:9 +0x25" }' >"$tmp/deep"
"$bin" -f json "$tmp/deep" | sed '/"source"/d' >"$tmp/a"
dd if="$tmp/deep" bs=4096 status=none | "$bin" -f json | sed '/"source"/d' >"$tmp/b"
same "100k-frame goroutine: file == pipe in 4 KiB chunks" "$tmp/a" "$tmp/b"
if [ -x /usr/bin/time ] && [ -z "${SANITIZE_RUN:-}" ]; then
	/usr/bin/time -f '%M' -o "$tmp/rss" "$bin" "$tmp/deep" >/dev/null 2>&1
	file_kib=$(tail -n 1 "$tmp/rss")
	cat "$tmp/deep" | /usr/bin/time -f '%M' -o "$tmp/rss" "$bin" >/dev/null 2>&1
	pipe_kib=$(tail -n 1 "$tmp/rss")
	if [ "$pipe_kib" -le $((file_kib * 3 / 2)) ]; then
		ok "100k-frame goroutine: pipe peak RSS ${pipe_kib} KiB <= 1.5 x file ${file_kib} KiB"
	else
		ko "100k-frame goroutine: pipe memory" "pipe ${pipe_kib} KiB, file ${file_kib} KiB"
	fi
fi
rm -f "$tmp/deep"

# Docker json-file lines with empty "log" parts after a partial one, and a
# "time" with a long offset: read without undefined behaviour (the
# sanitizer build aborts on any).
printf '{"log":"panic: "}\n{"log":""}\n' >"$tmp/dj"
"$bin" "$tmp/dj" >"$tmp/out" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q 'no goroutine dump found' "$tmp/out"; then ok "docker json-file: empty parts"; else ko "docker json-file: empty parts" "exit $rc"; fi
printf '{"log":"goroutine 1 [running]:\\n","time":"2026-11-20T10:00:00.000+00:99999999999999999999"}\n{"log":"main.main()\\n"}\n{"log":"\\t/a.go:1 +0x1\\n"}\n' >"$tmp/dj"
"$bin" "$tmp/dj" >"$tmp/out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '1 goroutine' "$tmp/out"; then ok "docker json-file: long time offset"; else ko "docker json-file: long time offset" "exit $rc"; fi

# debug=1 counts beyond what a process can hold do not wrap the total.
{ echo 'goroutine profile: total 3'
	for f in a b c; do printf '18446744073709551615 @ 0x1 0x2\n#\t0x1\tmain.%s+0x1\t/a.go:1\n\n' $f; done; } >"$tmp/counts"
"$bin" -f json "$tmp/counts" >"$tmp/out" 2>&1
got=$(sed -n 's/^  "goroutines": \([0-9]*\),$/\1/p' "$tmp/out")
if [ -n "$got" ] && [ "${#got}" -le 15 ] && [ "$got" -ge 70368744177664 ]; then ok "debug=1 absurd counts capped: $got"; else ko "debug=1 absurd counts" "goroutines $got"; fi
"$bin" "$tmp/counts" >"$tmp/out" 2>&1
if grep -q '^warning: 3 debug=1 records claim more goroutines' "$tmp/out"; then ok "debug=1 absurd counts: warned"; else ko "debug=1 absurd counts: warned"; fi

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

# Several inputs: each one's report as it gives alone, in order, then the
# summary; the exit status is the worst of them.
a=samples/series/app-20261122T041249Z.txt
b=samples/go1.26-minutes.txt
"$bin" "$a" >"$tmp/one-a" 2>/dev/null
"$bin" "$b" >"$tmp/one-b" 2>/dev/null
"$bin" "$a" "$b" >"$tmp/two" 2>/dev/null
rc=$?
{ cat "$tmp/one-a"; echo; cat "$tmp/one-b"; } >"$tmp/want"
head -n "$(wc -l <"$tmp/want")" "$tmp/two" >"$tmp/got"
same "two inputs: each reported as alone" "$tmp/want" "$tmp/got"
if [ $rc = 1 ]; then ok "two inputs: clean and leak exit 1"; else ko "two inputs exit" "exit $rc, want 1"; fi
"$bin" "$a" samples/go1.26-http2.txt >/dev/null 2>&1
rc=$?
if [ $rc = 0 ]; then ok "two clean inputs exit 0"; else ko "two clean inputs exit" "exit $rc, want 0"; fi
"$bin" "$b" "$tmp/no-such-file" "$a" >"$tmp/three" 2>"$tmp/err"
rc=$?
if [ $rc = 2 ] && grep -q 'no-such-file' "$tmp/err" &&
	grep -q "^gtriage: $a: " "$tmp/three"; then
	ok "unreadable input: exit 2, the others still reported"
else
	ko "unreadable input" "exit $rc"
fi
# JSON: every element of "inputs" is the input's report alone; the top
# level is the last readable input's, "inputs" aside.
"$bin" -f json "$a" >"$tmp/one-a.json" 2>/dev/null
"$bin" -f json "$b" >"$tmp/one-b.json" 2>/dev/null
"$bin" -f json "$a" "$tmp/no-such-file" "$b" >"$tmp/three.json" 2>/dev/null
awk -v dir="$tmp" '
	/^  "inputs": \[$/ { on = 1; k = 0; next }
	on && /^  \]$/ { on = 0; next }
	on && /^    \{$/ { k++ }
	on { line = substr($0, 5); if (line == "},") line = "}"; print line > (dir "/elem" k) }
' "$tmp/three.json"
same "json inputs[0] == the first input alone" "$tmp/one-a.json" "$tmp/elem1"
same "json inputs[2] == the last input alone" "$tmp/one-b.json" "$tmp/elem3"
if grep -q '"error": ".*no-such-file' "$tmp/elem2"; then ok "json inputs[1] holds the error"; else ko "json inputs[1] error"; fi
sed '/^  "inputs": \[$/,$d' "$tmp/three.json" | sed '$s/,$//' >"$tmp/top.json"
sed '$d' "$tmp/one-b.json" >"$tmp/top-want.json"
same "json top level == the last readable input" "$tmp/top-want.json" "$tmp/top.json"
"$bin" -f prom "$a" "$b" >/dev/null 2>&1
rc=$?
if [ $rc = 2 ]; then ok "-f prom refuses several inputs"; else ko "-f prom several inputs" "exit $rc"; fi

# -o never destroys an input: refused before reading, by any name of the
# file (itself, a symlink, a hard link, stdin), for every command.
o=$tmp/o
rm -rf "$o"
mkdir -p "$o/snaps"
cp "$s" "$o/in.txt"
cp "$s" "$o/snaps/app-20261122T040500Z.txt"
cp "$s" "$o/snaps/app-20261122T041500Z.txt"
ln -s in.txt "$o/soft"
ln "$o/in.txt" "$o/hard"
for how in "-o $o/in.txt $o/in.txt" "-o $o/soft $o/in.txt" "-o $o/hard $o/in.txt" \
	"-o $o/in.txt -" "diff -o $o/in.txt $s $o/in.txt" \
	"trend -o $o/snaps/app-20261122T041500Z.txt $o/snaps"; do
	# shellcheck disable=SC2086
	"$bin" $how <"$o/in.txt" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc = 2 ] && grep -q "refusing to overwrite" "$tmp/err" && cmp -s "$s" "$o/in.txt" &&
		cmp -s "$s" "$o/snaps/app-20261122T041500Z.txt"; then
		ok "-o onto an input refused: gtriage $how"
	else ko "-o onto an input: gtriage $how" "exit $rc, $(cat "$tmp/err")"; fi
done

# -o onto a symlink writes the file it names; the link stays a link.
"$bin" "$s" >"$tmp/want" 2>/dev/null
echo old >"$o/target"
ln -s target "$o/link"
"$bin" -o "$o/link" "$s" 2>/dev/null
if [ -L "$o/link" ] && cmp -s "$tmp/want" "$o/target"; then ok "-o onto a symlink writes its target"; else ko "-o onto a symlink"; fi
# a new file's mode follows the umask; a replaced file keeps its own
(umask 027 && "$bin" -o "$o/new" "$s" 2>/dev/null)
chmod 604 "$o/target"
"$bin" -o "$o/link" "$s" 2>/dev/null
m1=$(stat -c %a "$o/new")
m2=$(stat -c %a "$o/target")
if [ "$m1" = 640 ] && [ "$m2" = 604 ]; then ok "-o modes: new file 640 under umask 027, replaced file keeps 604"; else ko "-o modes" "new $m1, replaced $m2"; fi
# a FIFO is written in place, not replaced by a regular file
mkfifo "$o/fifo"
cat "$o/fifo" >"$tmp/fromfifo" &
"$bin" -o "$o/fifo" "$s" 2>/dev/null
wait
if [ -p "$o/fifo" ] && cmp -s "$tmp/want" "$tmp/fromfifo"; then ok "-o onto a FIFO writes through it, the FIFO stays"; else ko "-o onto a FIFO"; fi
"$bin" -o /dev/null "$s" 2>/dev/null
if [ -c /dev/null ]; then ok "-o /dev/null leaves the device"; else ko "-o /dev/null replaced the device"; fi
"$bin" -o "$o" "$s" 2>"$tmp/err"
if [ $? = 2 ] && grep -q "is a directory" "$tmp/err"; then ok "-o onto a directory: a clear error"; else ko "-o onto a directory"; fi

# Numbers: NaN and infinities are refused, not passed to the casts.
for how in "--min-count nan" "--min-share nan" "--top inf" "--min-minutes -inf" \
	"--max-time nan" "--connect-timeout inf" "--max-ids 1e999" \
	"trend --min-growth nan" "trend --max-p nan" "diff --pool-max nan" \
	"watch --interval nan" "watch --max-redirs nan"; do
	set -- $how
	case $1 in trend | diff | watch) cmd=$1; shift ;; *) cmd= ;; esac
	# shellcheck disable=SC2086
	"$bin" $cmd "$@" "$s" "$s" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc = 2 ] && grep -q "^gtriage: --[a-z-]*: '[^']*' is not" "$tmp/err"; then
		ok "refused: gtriage $how"
	else ko "refused: gtriage $how" "exit $rc, $(head -n 1 "$tmp/err")"; fi
done

# Rule files: a device, a FIFO (named or in a rules directory) and a file
# over 16 MiB are refused at once.
mkdir -p "$o/rules"
mkfifo "$o/rules/a.rules"
for how in "--rules /dev/zero" "--rules $o/rules/a.rules" "--rules $o/rules"; do
	# shellcheck disable=SC2086
	timeout 20 "$bin" $how "$s" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc = 2 ] && grep -q "not a regular file" "$tmp/err"; then ok "refused: gtriage $how"; else ko "refused: gtriage $how" "exit $rc"; fi
done
GTRIAGE_RULES="$o/rules" timeout 20 "$bin" "$s" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc = 2 ] && grep -q "a.rules: not a regular file" "$tmp/err"; then ok "GTRIAGE_RULES directory with a FIFO entry: refused"; else ko "GTRIAGE_RULES FIFO entry" "exit $rc"; fi
rm -f "$o/rules/a.rules"
truncate -s 16777217 "$o/rules/big.rules"
"$bin" --rules "$o/rules/big.rules" "$s" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc = 2 ] && grep -q "too large for a rule file" "$tmp/err"; then ok "a rule file over 16 MiB: refused"; else ko "big rule file" "exit $rc"; fi
rm -rf "$o"

# -f folded: the counts of its lines add up to the goroutines of the dump.
for f in samples/go1.*.txt samples/go1.*.log; do
	want=$("$bin" -f json "$f" 2>/dev/null | sed -n 's/^  "goroutines": \([0-9]*\),$/\1/p')
	want=${want:-0} # no dump: no line
	got=$("$bin" -f folded "$f" 2>/dev/null | awk '{ n += $NF } END { print n + 0 }')
	if [ -n "$want" ] && [ "$want" = "$got" ]; then
		ok "folded counts add up: $f"
	else
		ko "folded counts add up: $f" "$got, want $want"
	fi
done

# -f html: every page requests nothing (no attribute that loads or links
# elsewhere than the page itself, no url() or @import in its style), holds
# its own script only, and the policy's hash is that script's.
series=samples/series/app-20261122T041249Z.txt
last=samples/series/app-20261122T041519Z.txt
"$bin" -f html samples/go1.26-hostile-markup.txt >"$tmp/p1.html"
"$bin" -f html -v samples/go1.26-panic-crash.txt >"$tmp/p2.html"
"$bin" -f html samples/go1.19-debug1.txt >"$tmp/p3.html"
"$bin" diff -f html "$series" "$last" >"$tmp/p4.html"
"$bin" trend -f html samples/series >"$tmp/p5.html"
for p in "$tmp"/p[1-5].html; do
	n=$(basename "$p")
	attr='<[a-z][^>]*[[:space:]](src|srcset|action|formaction|poster|data|background|xlink:href|ping)=|<[a-z][^>]*[[:space:]]href="[^#]|<(link|iframe|object|embed|img|base|form|audio|video|source)[[:space:]>]'
	if grep -Eiq "$attr" "$p" ||
		sed -n '/<style>/,/<\/style>/p' "$p" | grep -Eiq 'url\(|@import|image-set'; then
		ko "$n: no network reference" "$(grep -Eio "$attr" "$p" | head -3)"
	else
		ok "$n: no network reference"
	fi
	scripts=$(grep -o '<script' "$p" | wc -l)
	want=$(sed -n "s/.*script-src 'sha256-\([^']*\)'.*/\1/p" "$p")
	got=$(sed -n 's/^<script>\(.*\)<\/script>$/\1/p' "$p" | tr -d '\n' |
		openssl dgst -sha256 -binary | base64)
	if [ "$scripts" = 1 ] && [ -n "$want" ] && [ "$want" = "$got" ]; then
		ok "$n: one script, allowed by its hash"
	else
		ko "$n: one script, allowed by its hash" "$scripts scripts, hash $got, policy $want"
	fi
done
# The markup of the hostile sample appears only escaped.
if grep -Fq "<script>document" "$tmp/p1.html" || grep -Fq "<img" "$tmp/p1.html" ||
	grep -Fq "<svg/onload" "$tmp/p1.html" || grep -Fq "</style></title>" "$tmp/p1.html" ||
	! grep -Fq "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" "$tmp/p1.html"; then
	ko "hostile names and labels escaped"
else
	ok "hostile names and labels escaped"
fi
# The diff marks its changes, the trend draws a sparkline per group shown.
for k in new gone grown shrunk; do
	want=$("$bin" diff -f json "$series" "$last" | grep -c "\"change\": \"$k\"")
	got=$(grep -c "<section class=\"grp [a-z]* $k\"" "$tmp/p4.html")
	if [ "$want" = "$got" ]; then ok "diff page marks $k groups ($got)"; else ko "diff page marks $k groups" "$got, want $want"; fi
done
want=$("$bin" trend -f json samples/series | grep -c '"growing": true')
got=$(grep -c '<span class="badge growing">growing</span><span class="badge leak">' "$tmp/p5.html")
if [ "$want" -gt 0 ] && [ "$got" = "$want" ]; then ok "trend page: $got growing groups marked leaks"; else ko "trend page: growing groups marked leaks" "$got, want $want"; fi
if [ "$(grep -c '<section class="grp' "$tmp/p5.html")" = "$(grep -c '<svg class="spark"' "$tmp/p5.html")" ] &&
	grep -q '<svg class="spark"' "$tmp/p5.html"; then
	ok "trend page: a sparkline per group"
else
	ko "trend page: a sparkline per group"
fi

# A real flame-graph tool draws the folded stacks: inferno (cargo install
# inferno) counts every goroutine once and draws each stack's leaf.
fg=$(command -v inferno-flamegraph 2>/dev/null || echo "${HOME:-}/.cargo/bin/inferno-flamegraph")
if [ -x "$fg" ]; then
	"$bin" -f folded "$s" >"$tmp/folded"
	if "$fg" --title gtriage <"$tmp/folded" >"$tmp/fg.svg" 2>"$tmp/fg.err"; then
		want=$("$bin" -f json "$s" | sed -n 's/^  "goroutines": \([0-9]*\),$/\1/p')
		leaf=$(head -1 "$tmp/folded" | sed 's/ [0-9]*$//; s/.*;//')
		if grep -q "total_samples=\"$want\"" "$tmp/fg.svg" &&
			grep -Fq "<title>$leaf (" "$tmp/fg.svg"; then
			ok "inferno-flamegraph draws the folded stacks ($want goroutines)"
		else
			ko "inferno-flamegraph draws the folded stacks" "no total of $want or no $leaf"
		fi
	else
		ko "inferno-flamegraph reads the folded stacks" "$(head -3 "$tmp/fg.err")"
	fi
else
	echo "SKIP inferno-flamegraph draws the folded stacks: not installed (cargo install inferno)"
fi

# The page grows with the groups, not the goroutines: 16 times the
# goroutines on the same stacks make a page at most a tenth larger (ids
# capped by --max-ids; what grows is the groups the larger counts flag, with
# their causes and fixes in the findings table), and writing it costs
# no measurable time beside the parse: -f html takes at most half again
# as long as -f text on the same 64 MiB (best of 5 each, warm file; a page
# written per goroutine would take many times as long).
awk 'BEGIN { RS = ""; ORS = "\n\n" } !/^goroutine 1 \[/ && !/writeGoroutineStacks/' "$s" >"$tmp/body"
i=0
while [ $i -lt 9 ]; do
	cat "$tmp/body" "$tmp/body" >"$tmp/body2"
	mv "$tmp/body2" "$tmp/body"
	i=$((i + 1))
	[ $i = 3 ] && cp "$tmp/body" "$tmp/body8"
	[ $i = 7 ] && cp "$tmp/body" "$tmp/body128"
done
small=$("$bin" -f html --max-ids 5 "$tmp/body8" | wc -c)
large=$("$bin" -f html --max-ids 5 "$tmp/body128" | wc -c)
if [ "$large" -le $((small + small / 10)) ]; then
	ok "html page of 16x the goroutines: $large bytes vs $small"
else
	ko "html page of 16x the goroutines" "$large bytes vs $small"
fi
ms() { # FORMAT: wall time of one run, in ms
	t0=$(date +%s%N)
	"$bin" -f "$1" "$tmp/body" >/dev/null 2>&1
	echo $((($(date +%s%N) - t0) / 1000000))
}
if [ -z "${SANITIZE_RUN:-}" ]; then
	# interleaved, best of 5 each: a busy machine slows both alike
	text= html=
	for k in 1 2 3 4 5; do
		t=$(ms text)
		if [ -z "$text" ] || [ "$t" -lt "$text" ]; then text=$t; fi
		t=$(ms html)
		if [ -z "$html" ] || [ "$t" -lt "$html" ]; then html=$t; fi
	done
	if [ "$html" -le $((text + text / 2 + 10)) ]; then
		ok "html costs no more than text to write: $html ms vs $text ms"
	else
		ko "html costs no more than text to write" "$html ms vs $text ms"
	fi
fi
rm -f "$tmp/body" "$tmp/body8" "$tmp/body128"
# Fingerprints survive the capture method: samples/gen's leaky program
# captured as pprof debug=2 and debug=1, the leak profile, SIGQUIT,
# GOTRACEBACK=all/system/crash panics and SIGABRT. A group present in two
# captures (same top frame) has one fingerprint, so a diff never lists it
# both as gone and as new, under either grouping level. Groups that exist
# in one capture only (the timing of a capture) may be new or gone, and a
# running goroutine is where it was caught (the profile writer differs by
# profile).
fp_side() { # KIND: top frames of the diff's waiting user entries of KIND
	awk -v k="$1" '$3 == "->" && $5 == k && $6 != "runtime" &&
		$6 != "running" && $6 != "runnable" { print $7, $8 }' \
		"$tmp/diff" | sort -u
}
for v in 1.26 1.19; do
	for other in sigquit panic-all panic-system panic-crash crash debug1 leakprofile; do
		f=samples/go$v-$other.txt
		[ -f "$f" ] || continue
		for by in line func; do
			"$bin" diff --group-by $by samples/go$v-debug2.txt "$f" >"$tmp/diff" 2>&1
			fp_side new >"$tmp/new"
			fp_side gone >"$tmp/gone"
			split=$(comm -12 "$tmp/new" "$tmp/gone")
			kept=$(sed -n 's/.* \([0-9]*\) the same$/\1/p' "$tmp/diff")
			if [ -z "$split" ] && [ "${kept:-0}" -ge 10 ]; then
				ok "fingerprints: go$v debug2 and $other agree (-g $by, $kept the same)"
			else
				ko "fingerprints: go$v debug2 and $other (-g $by)" "$split"
			fi
		done
	done
done
# SIGQUIT after the snapshot: nothing new but the runtime's own goroutines
# (which pprof hides), whichever side is the older.
"$bin" diff samples/go1.26-debug2.txt samples/go1.26-sigquit.txt >"$tmp/diff" 2>&1
new=$(fp_side new)
"$bin" diff samples/go1.26-sigquit.txt samples/go1.26-debug2.txt >"$tmp/diff" 2>&1
gone=$(fp_side gone)
if [ -z "$new$gone" ]; then ok "diff debug2 -> sigquit: no new user group"; else ko "diff debug2 -> sigquit" "$new$gone"; fi

# The crash comes first: before the categories and any group.
for f in samples/go1.26-panic-all.txt samples/go1.19-panic-all-kubectl.log \
	samples/go1.26-test-timeout.txt samples/go1.26-deadlock.txt samples/go1.26-crash.txt; do
	"$bin" "$f" >"$tmp/out" 2>&1
	c=$(grep -n '^crash: ' "$tmp/out" | head -n 1 | cut -d: -f1)
	g=$(grep -n '^goroutines by category:' "$tmp/out" | cut -d: -f1)
	if [ -n "$c" ] && [ -n "$g" ] && [ "$c" -lt "$g" ]; then ok "crash first: $(basename "$f")"; else ko "crash first: $(basename "$f")"; fi
done
# The crashed goroutine named in the text is the one the JSON names, and
# it is the first goroutine of the dump.
"$bin" -f json samples/go1.26-panic-system.txt >"$tmp/j" 2>&1
id=$(sed -n 's/^    "goroutine": \([0-9]*\),$/\1/p' "$tmp/j")
first=$(sed -n 's/^goroutine \([0-9]*\) .*/\1/p' samples/go1.26-panic-system.txt | head -n 1)
if [ -n "$id" ] && [ "$id" = "$first" ] && "$bin" samples/go1.26-panic-system.txt | grep -q "^  goroutine $id \[running\] panicked"; then
	ok "crashed goroutine $id: the first printed, in text and JSON"
else
	ko "crashed goroutine" "json $id, first $first"
fi

# ---- protobuf goroutine profiles ----
pb=samples/go1.26-proto.pb.gz
# groups as fingerprint, count, category and labels, sorted
groups() { "$bin" -f json "$1" | jq -r '.groups[] | [.fingerprint, .count, .category, (.labels // "")] | @tsv' | sort; }
for pair in "proto.pb.gz proto-debug1.txt" "proto-pprof.pb.gz proto-debug1.txt" \
	"goroutineleak.pb.gz goroutineleak-debug1.txt"; do
	set -- $pair
	groups "samples/go1.26-$1" >"$tmp/a"
	groups "samples/go1.26-$2" >"$tmp/b"
	if [ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b"; then
		ok "protobuf $1 == debug=1 $2: $(wc -l <"$tmp/a") groups, same fingerprints and counts"
	else
		ko "protobuf $1 == debug=1 $2"
		diff "$tmp/a" "$tmp/b" | head -10
	fi
done
# diff mixes the two forms: nothing moves between captures of one process
"$bin" diff samples/go1.26-proto-debug1.txt "$pb" >"$tmp/out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q "groups: 0 new, 0 gone, 0 grown, 0 shrunk, 43 the same" "$tmp/out"; then
	ok "diff debug=1 -> protobuf of one process: 43 groups the same"
else
	ko "diff debug=1 -> protobuf" "exit $rc"
	head -20 "$tmp/out"
fi

# the goroutine serving the dump writes each form through other frames:
# one fingerprint for it in debug=2, debug=1 and protobuf
for f in proto-debug2.txt proto-debug1.txt proto.pb.gz; do
	"$bin" -f json "samples/go1.26-$f" |
		jq -r '.groups[] | select((.diagnoses // []) | map(.name) | index("dump-writer")) | .fingerprint'
done >"$tmp/writers"
if [ "$(wc -l <"$tmp/writers")" = 3 ] && [ "$(sort -u "$tmp/writers" | wc -l)" = 1 ]; then
	ok "the dump writer has one fingerprint in debug=2, debug=1 and protobuf"
else
	ko "dump writer fingerprint" "$(tr '\n' ' ' <"$tmp/writers")"
fi

# gzip or plain, file or stdin or pipe: one report
gzip -dc "$pb" >"$tmp/plain.pb"
"$bin" -f json "$pb" | grep -v '"source"' >"$tmp/a"
"$bin" -f json "$tmp/plain.pb" | grep -v '"source"' >"$tmp/b"
same "protobuf: gzipped == plain" "$tmp/a" "$tmp/b"
"$bin" -f json <"$pb" | grep -v '"source"' >"$tmp/b"
same "protobuf: file == stdin" "$tmp/a" "$tmp/b"
gzip -dc "$pb" | "$bin" -f json | grep -v '"source"' >"$tmp/b"
same "protobuf: file == plain pipe" "$tmp/a" "$tmp/b"

# cut short: a clear message, exit 2, no crash
expect_err() { # NAME PATTERN ARGS...
	name=$1 pat=$2
	shift 2
	"$bin" "$@" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc = 2 ] && grep -q "$pat" "$tmp/out"; then ok "$name: $(head -c 150 "$tmp/out")"; else ko "$name" "exit $rc: $(head -c 300 "$tmp/out")"; fi
}
head -c 2000 "$pb" >"$tmp/cut.pb.gz"
expect_err "truncated gzip of a protobuf" "gzip stream cut short: the protobuf profile in it is incomplete" "$tmp/cut.pb.gz"
head -c 5000 "$tmp/plain.pb" >"$tmp/cut.pb"
expect_err "truncated protobuf" "cut.pb: not a valid protobuf profile: .*truncated" "$tmp/cut.pb"
expect_err "truncated protobuf on stdin" "<stdin>: not a valid protobuf profile" - <"$tmp/cut.pb"
expect_err "a CPU profile" "a protobuf CPU profile (sample types: samples/count, cpu/nanoseconds), not a goroutine profile" samples/go1.26-cpu.pb.gz

# A 100 MB profile: the samples of the real one repeated (a valid profile;
# merged messages append repeated fields). Memory stays within twice the
# profile over a run on the small one, in the same run.
if command -v python3 >/dev/null 2>&1; then
	python3 - "$tmp/plain.pb" "$tmp/big.pb" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
def varint(b, i):
    r = s = 0
    while True:
        c = b[i]; i += 1; r |= (c & 0x7F) << s
        if c < 0x80: return r, i
        s += 7
rest, samples, i = bytearray(), bytearray(), 0
while i < len(data):
    st = i
    tag, i = varint(data, i)
    wt = tag & 7
    if wt == 0: _, i = varint(data, i)
    elif wt == 2:
        n, i = varint(data, i); i += n
    elif wt == 1: i += 8
    elif wt == 5: i += 4
    (samples if tag >> 3 == 2 else rest).extend(data[st:i])
with open(sys.argv[2], "wb") as f:
    f.write(rest)
    for _ in range(100 * 2**20 // len(samples) + 1):
        f.write(samples)
PY
	big=$(wc -c <"$tmp/big.pb")
	if [ -x /usr/bin/time ] && [ -z "${SANITIZE_RUN:-}" ]; then
		/usr/bin/time -f '%M' -o "$tmp/rss0" "$bin" -f json "$tmp/plain.pb" >/dev/null 2>&1
		/usr/bin/time -f '%M' -o "$tmp/rss1" "$bin" -f json "$tmp/big.pb" >"$tmp/big.json" 2>"$tmp/big.err"
		rc=$?
		r0=$(tail -n 1 "$tmp/rss0")
		r1=$(tail -n 1 "$tmp/rss1")
		# kiB over the control against the profile's size in kiB
		if [ $(( (r1 - r0) * 1024 )) -le $((big * 2)) ]; then
			ok "100 MB protobuf: peak RSS $r1 KiB, $((r1 - r0)) KiB over the small one's <= 2 x $((big / 1024)) KiB"
		else
			ko "100 MB protobuf: peak RSS" "$r1 KiB, control $r0 KiB, profile $((big / 1024)) KiB"
		fi
	else
		"$bin" -f json "$tmp/big.pb" >"$tmp/big.json" 2>"$tmp/big.err"
		rc=$?
	fi
	n=$(jq '.goroutines' "$tmp/big.json" 2>/dev/null)
	per=$(jq '.goroutines' "$tmp/a")
	g=$(jq '.groups | length' "$tmp/big.json" 2>/dev/null)
	g0=$(jq '.groups | length' "$tmp/a")
	if [ "$rc" = 1 ] && [ -n "$n" ] && [ $((n % per)) = 0 ] && [ "$n" -gt $((per * 1000)) ] && [ "$g" = "$g0" ]; then
		ok "100 MB protobuf: $n goroutines ($((n / per)) x $per) in the same $g groups"
	else
		ko "100 MB protobuf" "exit $rc, $n goroutines, $g groups: $(head -c 200 "$tmp/big.err")"
	fi
	rm -f "$tmp/big.pb" "$tmp/big.json"
else
	echo "SKIP 100 MB protobuf: no python3"
fi

# The service program (samples/gen/service): its ground truth against the
# verdicts. Healthy parts sized like production are never a leak, at any
# age; its leaks are flagged once they hold 20 goroutines (alone or
# through their finding), worth a look from 10; trend finds each leak of
# at least 90 an hour at its rate and nothing healthy growing.
truth=samples/gen/service/truth.tsv
for cap in young:0 debug2:1 sigquit:1 panic:1; do
	f=samples/go1.26-service-${cap%%:*}.txt
	"$bin" -f json "$f" >"$tmp/svc.json" 2>/dev/null
	rc=$?
	if [ "$rc" = "${cap##*:}" ] && python3 tests/e2e/verdicts.py "$truth" "$tmp/svc.json" >"$tmp/svc.out"; then
		ok "service $f: exit $rc, $(tail -n 1 "$tmp/svc.out")"
	else
		ko "service $f" "exit $rc, want ${cap##*:}; $(grep FAIL "$tmp/svc.out" | head -3)"
	fi
done
# The second service (samples/gen/service2), built from other idioms (a
# sync.Cond queue, per-tenant pools, a semaphore under back-pressure, long
# polls): the same truth check, young and at 12.6 minutes. Its nil-channel
# leaks make both exit 1.
for cap in young:1 debug2:1; do
	f=samples/go1.26-service2-${cap%%:*}.txt
	"$bin" -f json "$f" >"$tmp/svc.json" 2>/dev/null
	rc=$?
	if [ "$rc" = "${cap##*:}" ] && python3 tests/e2e/verdicts.py samples/gen/service2/truth.tsv "$tmp/svc.json" >"$tmp/svc.out"; then
		ok "service2 $f: exit $rc, $(tail -n 1 "$tmp/svc.out")"
	else
		ko "service2 $f" "exit $rc, want ${cap##*:}; $(grep FAIL "$tmp/svc.out" | head -3)"
	fi
done
last=$(ls samples/series-service/svc-*.txt | tail -n 1)
"$bin" -f json "$last" >"$tmp/svc.json" 2>/dev/null
if python3 tests/e2e/verdicts.py "$truth" "$tmp/svc.json" >"$tmp/svc.out"; then
	ok "service: the last snapshot of the series, $(tail -n 1 "$tmp/svc.out")"
else
	ko "service: the last snapshot" "$(grep FAIL "$tmp/svc.out" | head -3)"
fi
"$bin" trend -f json samples/series-service >"$tmp/svc-trend.json" 2>/dev/null
rc=$?
if [ $rc = 1 ] && python3 tests/e2e/verdicts.py --trend 90 "$truth" "$tmp/svc-trend.json" >"$tmp/svc.out"; then
	ok "service: trend over 5 late snapshots, exit 1, $(tail -n 1 "$tmp/svc.out")"
else
	ko "service: trend" "exit $rc; $(grep FAIL "$tmp/svc.out" | head -3)"
fi
# The same process through a debug=2 snapshot and its SIGQUIT dump: diff
# shows no group as both gone and new (fingerprints survive the capture).
"$bin" diff -f json samples/series-service/svc-20261202T191919Z.txt samples/go1.26-service-sigquit.txt >"$tmp/svc-diff.json" 2>/dev/null
if python3 - "$tmp/svc-diff.json" >"$tmp/svc.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
groups = d.get("groups", d.get("changes", []))
def top(g):
    fr = g.get("frames") or (g.get("group") or {}).get("frames") or []
    return fr[0]["func"] if fr else ""
new = {top(g) for g in groups if g.get("change") == "new"}
gone = {top(g) for g in groups if g.get("change") == "gone"}
both = sorted((new & gone) - {""})
print("both new and gone: %s" % both)
sys.exit(1 if both else 0)
PY
then
	ok "service: debug=2 snapshot vs SIGQUIT dump of one process, no group both new and gone"
else
	ko "service: snapshot vs SIGQUIT" "$(cat "$tmp/svc.out")"
fi

# Two snapshots cannot tell growth from a step: the report says the test
# was not run, not that nothing grows; three snapshots run it.
two=$("$bin" trend samples/series/app-20261122T041249Z.txt samples/series/app-20261122T041519Z.txt | head -1)
three=$("$bin" trend samples/series/app-20261122T041249Z.txt samples/series/app-20261122T041349Z.txt samples/series/app-20261122T041519Z.txt | head -1)
case $two in *"growth not tested (3 snapshots needed)") ok "trend over 2 snapshots: growth not tested" ;;
*) ko "trend over 2 snapshots" "$two" ;; esac
case $three in *"growth not tested"*) ko "trend over 3 snapshots" "$three" ;;
*) ok "trend over 3 snapshots: the growth test runs" ;; esac
