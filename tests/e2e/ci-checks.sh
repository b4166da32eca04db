# Sourced by run.sh after checks.sh ($bin, $tmp, ok, ko, same): the CI
# formats against their specifications, and baselines.

# SARIF: valid against the 2.1.0 schema, one result per flagged group.
ci_samples="samples/go1.26-debug2.txt samples/go1.19-debug2.txt
samples/go1.26-debug1.txt samples/go1.26-deadlock.txt samples/go1.19-panic-all-kubectl.log
samples/go1.26-test-timeout.txt samples/go1.26-leakprofile.txt samples/go1.26-grow-1.txt
samples/go1.26-debug2-checkout.txt"
k=0
for s in $ci_samples; do
	k=$((k + 1))
	"$bin" -f sarif "$s" >"$tmp/ci$k.sarif" 2>/dev/null
	"$bin" -f json "$s" >"$tmp/ci$k.json" 2>/dev/null
	"$bin" -f github "$s" >"$tmp/ci$k.gh" 2>/dev/null
	want=$(sed -n 's/^  "flagged_groups": \([0-9]*\),$/\1/p' "$tmp/ci$k.json")
	got=$(grep -c '"ruleId"' "$tmp/ci$k.sarif")
	[ "$got" = "$want" ] || ko "sarif $s" "$got results, $want flagged groups"
	got=$(grep -c '^::error ' "$tmp/ci$k.gh")
	[ "$got" = "$want" ] || ko "github $s" "$got annotations, $want flagged groups"
done
"$bin" -f sarif samples/go1.26-debug2.txt samples/go1.19-debug2.txt >"$tmp/ci-two.sarif" 2>/dev/null
if python3 tests/e2e/sarif-check.py tests/e2e/sarif-schema-2.1.0.json "$tmp"/ci*.sarif >"$tmp/sarif-check" 2>&1; then
	ok "sarif output valid against the SARIF 2.1.0 schema ($(ls "$tmp"/ci*.sarif | wc -l) documents)"
else
	ko "sarif schema" "$(head -5 "$tmp/sarif-check")"
fi
if [ "$(grep -c '"ruleId"' "$tmp/ci-two.sarif")" = $(($(grep -c '"ruleId"' "$tmp/ci1.sarif") + $(grep -c '"ruleId"' "$tmp/ci2.sarif"))) ]; then
	ok "sarif with two inputs: one run holding the results of both"
else
	ko "sarif two inputs"
fi

# GitHub: every line a workflow command. Properties are name=value pairs
# whose values hold no raw ':' or ','; data has no raw CR or LF and every
# '%' starts one of the escapes.
prop='[a-z]+=([^:,%]|%25|%3A|%2C|%0D|%0A)*'
data='([^%]|%25|%0D|%0A)*'
if cat "$tmp"/ci*.gh | grep -Evx "::(error|warning|notice)( $prop(,$prop)*)?::$data" >"$tmp/gh-bad"; then
	ko "github workflow-command syntax" "$(head -3 "$tmp/gh-bad")"
else
	ok "github annotations follow the workflow-command syntax ($(cat "$tmp"/ci*.gh | wc -l) lines)"
fi
if grep -q '^::error file=example.com/shop/internal/catalog/search.go,line=56,title=' "$tmp/ci1.gh" &&
	[ "$(grep -c '^::notice ' "$tmp/ci1.gh")" = 1 ]; then
	ok "github: a leak at its first user frame, one summary notice"
else
	ko "github location"
fi

# The same dump with the paths of a build without -trimpath in a CI
# checkout: the same annotations, each file relative to the checkout
# (the fingerprints differ: they cover the paths).
"$bin" -f github samples/go1.26-debug2-checkout.txt >"$tmp/gh-checkout" 2>/dev/null
sed 's/^\(::error file=\)example\.com\/shop\//\1/; s/ (fingerprint [0-9a-f]*)//' "$tmp/ci1.gh" >"$tmp/gh-want"
sed 's/go1\.26-debug2-checkout\.txt/go1.26-debug2.txt/; s/ (fingerprint [0-9a-f]*)//' "$tmp/gh-checkout" >"$tmp/gh-got"
same "github: a checkout's absolute paths give the files -trimpath gives, less the module path" "$tmp/gh-want" "$tmp/gh-got"

# Baselines: a run is clean against its own baseline, whichever form.
s=samples/go1.26-grow-3.txt
"$bin" --write-baseline "$tmp/base.json" "$s" >/dev/null 2>&1
rc=$?
"$bin" --baseline "$tmp/base.json" "$s" >"$tmp/bl-self" 2>"$tmp/bl-self.err"
rc2=$?
"$bin" -f json "$s" >"$tmp/known-good.json" 2>/dev/null
"$bin" --baseline "$tmp/known-good.json" "$s" >/dev/null 2>&1
rc3=$?
sed -n 's/^ *"fingerprint": "\([0-9a-f]*\)",$/\1/p' "$tmp/base.json" >"$tmp/base.list"
"$bin" --baseline "$tmp/base.list" "$s" >/dev/null 2>&1
rc4=$?
if [ $rc = 1 ] && [ $rc2 = 0 ] && [ $rc3 = 0 ] && [ $rc4 = 0 ] &&
	grep -q 'none flagged' "$tmp/bl-self" && grep -q 'baseline .*: 1 flagged group known' "$tmp/bl-self.err"; then
	ok "a run against its own baseline (written, -f json, a list) is clean"
else
	ko "own baseline" "exits $rc $rc2 $rc3 $rc4"
fi
# ... a smaller run of the same program too; a larger one is flagged.
"$bin" --baseline "$tmp/base.json" samples/go1.26-grow-2.txt >/dev/null 2>&1
rc=$?
"$bin" --write-baseline "$tmp/base2.json" samples/go1.26-grow-2.txt >/dev/null 2>&1
"$bin" --baseline "$tmp/base2.json" "$s" >"$tmp/bl-grown" 2>"$tmp/bl-grown.err"
rc2=$?
if [ $rc = 0 ] && [ $rc2 = 1 ] && grep -q '1 grown beyond it' "$tmp/bl-grown.err" &&
	grep -q '1 flagged as a probable leak (100 goroutines)' "$tmp/bl-grown"; then
	ok "baseline: 40 known, 100 now is flagged; 100 known, 40 now is not"
else
	ko "baseline growth" "exits $rc $rc2"
fi
# --baseline-allow: 40 known, 100 now is within 60 or 150%, not within 59
"$bin" --baseline "$tmp/base2.json" --baseline-allow 60 "$s" >/dev/null 2>&1
rc=$?
"$bin" --baseline "$tmp/base2.json" --baseline-allow 0,150% "$s" >/dev/null 2>&1
rc2=$?
"$bin" --baseline "$tmp/base2.json" --baseline-allow 59,149 "$s" >/dev/null 2>&1
rc3=$?
if [ $rc = 0 ] && [ $rc2 = 0 ] && [ $rc3 = 1 ]; then
	ok "--baseline-allow: 60 or 150% clear a rise of 60 from 40; 59,149% do not"
else
	ko "--baseline-allow" "exits $rc $rc2 $rc3"
fi
bad=0
for a in x -1 1.5 5,x 5, 5,% nan 5,inf; do
	"$bin" --baseline "$tmp/base2.json" --baseline-allow "$a" "$s" >/dev/null 2>"$tmp/bl-allow.err"
	rc=$?
	[ $rc = 2 ] && grep -q -- '--baseline-allow' "$tmp/bl-allow.err" || { bad=1; echo "  '$a': exit $rc"; }
done
"$bin" --baseline-allow 5 "$s" >/dev/null 2>"$tmp/bl-allow.err"
rc=$?
[ $rc = 2 ] && grep -q 'needs --baseline' "$tmp/bl-allow.err" || { bad=1; echo "  no --baseline: exit $rc"; }
if [ $bad = 0 ]; then
	ok "--baseline-allow: bad values and a missing --baseline are refused (exit 2)"
else
	ko "--baseline-allow refusals" "see above"
fi
# A failed run leaves the previous baseline as it was.
cp "$tmp/base.json" "$tmp/base-before.json"
"$bin" --write-baseline "$tmp/base.json" "$tmp/no-such-file" >/dev/null 2>&1
rc=$?
if [ $rc = 2 ] && cmp -s "$tmp/base.json" "$tmp/base-before.json" && ! ls "$tmp"/base.json.tmp.* >/dev/null 2>&1; then
	ok "--write-baseline: a failed run keeps the old file, no temporary left"
else
	ko "--write-baseline atomic" "exit $rc"
fi
"$bin" --write-baseline "$tmp/base.json" samples/go1.26-grow-1.txt "$tmp/no-such-file" >/dev/null 2>"$tmp/bl-many.err"
rc=$?
if [ $rc = 2 ] && cmp -s "$tmp/base.json" "$tmp/base-before.json" && grep -q 'base.json: not written' "$tmp/bl-many.err"; then
	ok "--write-baseline over several inputs: one unreadable, nothing written"
else
	ko "--write-baseline several inputs" "exit $rc"
fi
"$bin" --write-baseline "$tmp/base-two.json" samples/go1.26-grow-3.txt samples/go1.26-grow-2.txt >/dev/null 2>&1
if grep -q '"count": 100,' "$tmp/base-two.json" && ! grep -q '"count": 40,' "$tmp/base-two.json"; then
	ok "--write-baseline over several inputs keeps each group's largest count"
else
	ko "--write-baseline largest count"
fi
# --group-by func fingerprints differ: the mismatch is an error.
"$bin" --group-by func --baseline "$tmp/base.json" "$s" >/dev/null 2>"$tmp/bl-by.err"
rc=$?
if [ $rc = 2 ] && grep -q 'taken with --group-by line' "$tmp/bl-by.err"; then
	ok "baseline taken with another --group-by is refused"
else
	ko "baseline --group-by" "exit $rc"
fi

# The protobuf profile whatever way it arrives.
gzip -dc samples/go1.26-goroutine.pb.gz >"$tmp/g.pb"
"$bin" <"$tmp/g.pb" >"$tmp/pb.out" 2>"$tmp/pb.err"
rc=$?
if [ $rc = 1 ] && grep -q '^gtriage: <stdin>: 1 dump (protobuf), 251 goroutines' "$tmp/pb.out"; then
	ok "a plain protobuf profile on stdin is read: 251 goroutines"
else
	ko "plain protobuf profile" "exit $rc: $(cat "$tmp/pb.err")"
fi
# An execution trace (/debug/pprof/trace): Go's 16-byte header, then events.
{ printf 'go 1.26 trace\000\000\000\001\001'; head -c 2000 samples/binary-garbage.bin; } | gzip >"$tmp/trace.gz"
"$bin" "$tmp/trace.gz" >/dev/null 2>"$tmp/trace.err"
rc=$?
if [ $rc = 2 ] && grep -q ': a Go execution trace (gzip), not a text dump: fetch /debug/pprof/goroutine?debug=2' "$tmp/trace.err"; then
	ok "an execution trace is named, with how to get text"
else
	ko "execution trace" "exit $rc: $(cat "$tmp/trace.err")"
fi
