# Sourced by run.sh ($bin, $tmp, ok, ko, same): every shape a person still
# reads as a dump reads as the clean capture it was derived from: the same
# goroutines, groups, fingerprints and crash text. Only where the text came
# from (source, prefix, times, line numbers) and the skipped log lines may
# differ.
shape_json() { # FILE: the report without what says where the text came from
	"$bin" -f json "$1" 2>&1 |
		sed '/"source"/d; /"prefix"/d; /"time"/d; /"lineno"/d; /"foreign_lines"/d'
}
shape_same() { # ORIGINAL VARIANT...
	orig=$1
	shift
	shape_json "$orig" >"$tmp/shape-orig.json"
	for v in "$@"; do
		shape_json "$v" >"$tmp/shape-var.json"
		same "reads as $(basename "$orig"): $(basename "$v")" \
			"$tmp/shape-orig.json" "$tmp/shape-var.json"
	done
}
shape_same samples/go1.26-sigquit.txt \
	samples/go1.26-sigquit-spaces4.txt samples/go1.26-sigquit-indent8.txt \
	samples/go1.26-sigquit-gotest-v.txt samples/go1.26-sigquit-double-spaced.txt \
	samples/go1.26-sigquit-trailing.txt samples/go1.26-sigquit-github.log \
	samples/go1.26-sigquit-stray.txt
shape_same samples/go1.26-debug2.txt samples/go1.26-debug2-cri-partial.log
shape_same samples/go1.26-debug1.txt samples/go1.26-debug1-nohash.txt \
	samples/go1.26-debug1-spaces4.txt

# The stray log lines are counted, each once.
n=$("$bin" -f json samples/go1.26-sigquit-stray.txt | sed -n 's/^  "foreign_lines": \([0-9]*\),$/\1/p')
want=$(($(grep -c '' samples/go1.26-sigquit-stray.txt) - $(grep -c '' samples/go1.26-sigquit.txt)))
if [ "$n" = "$want" ]; then ok "stray log lines: $n skipped and counted"; else ko "stray log lines" "counted $n, inserted $want"; fi

# goleak before v1.2 (a full record per entry) and after (frames only):
# the same groups and fingerprints.
fp_counts() { "$bin" -f json "$1" | grep -E '^      "(fingerprint|count)"' ; }
fp_counts samples/go1.26-goleak-verifynone.txt >"$tmp/gl-new"
fp_counts samples/go1.26-goleak-old-verifynone.txt >"$tmp/gl-old"
same "goleak v1.1 and v1.3 lists: the same groups" "$tmp/gl-new" "$tmp/gl-old"
# each listed goroutine is read and flagged as goleak's
for f in samples/go1.26-goleak-verifynone.txt samples/go1.26-goleak-testmain.txt \
	samples/go1.26-goleak-old-verifynone.txt; do
	listed=$(grep -c 'Goroutine [0-9]* in state' "$f")
	got=$("$bin" -f json "$f" | sed -n 's/^  "goroutines": \([0-9]*\),$/\1/p')
	flagged=$("$bin" -f json "$f" | sed -n 's/^  "flagged_goroutines": \([0-9]*\),$/\1/p')
	if [ "$got" = "$listed" ] && [ "$flagged" = "$listed" ]; then
		ok "$(basename "$f"): $listed listed, read and flagged"
	else
		ko "$(basename "$f")" "listed $listed, read $got, flagged $flagged"
	fi
done
# go test -v over two packages: each package's list is a dump of its own
n=$("$bin" -f json samples/go1.26-gotest-v.txt | sed -n 's/^  "dumps": \([0-9]*\),$/\1/p')
if [ "$n" = 2 ]; then ok "go test -v, two packages: 2 dumps"; else ko "go test -v, two packages" "$n dumps"; fi

# Read in any chunking, a sample gives the same report (stdin in pieces).
for f in samples/go1.26-sigquit-stray.txt samples/go1.26-goleak-verifynone.txt; do
	"$bin" -f json "$f" | sed '/"source"/d' >"$tmp/whole.json"
	dd if="$f" bs=7 2>/dev/null | "$bin" -f json | sed '/"source"/d' >"$tmp/piece.json"
	same "$(basename "$f") through a pipe in 7-byte writes" "$tmp/whole.json" "$tmp/piece.json"
done

# The GitHub Actions timestamp is known as such, and gives the dump's time.
if "$bin" -f json samples/go1.26-sigquit-github.log | grep -q '"prefix": "GitHub Actions"' &&
	"$bin" -f json samples/go1.26-sigquit-github.log | grep -q '"time": "2026-11-20T10:00:00'; then
	ok "GitHub Actions log: prefix and time"
else
	ko "GitHub Actions log" "prefix or time not read"
fi
