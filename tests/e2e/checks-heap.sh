# Sourced by run.sh after checks.sh: heap profiles of samples/series-heap
# (the heapleak program: a cache map that only grows, a ticker per request,
# a 64-byte sub-slice kept of each 32 KiB read, and a working set that rises
# and falls), in protobuf and debug=1 text form.

H=samples/series-heap

# Scaled text figures against pprof's own reading of the same file
# (within 1%): totals of every sample type, and the largest sample.
if command -v go >/dev/null 2>&1; then
	for f in "$H"/text/*.txt; do
		"$bin" heap -f json "$f" >"$tmp/heap.json" 2>&1
		for ix in inuse_space inuse_objects alloc_space alloc_objects; do
			go tool pprof -sample_index=$ix -top -unit=B "$f" 2>/dev/null |
				sed -n 's/^Showing nodes accounting for .* of \([0-9]*\)B\{0,1\} total$/\1/p' >"$tmp/pp.$ix"
		done
		if python3 - "$tmp" <<'PY' >"$tmp/heap.why" 2>&1
import json, sys
t = sys.argv[1]
d = json.load(open(t + "/heap.json"))["totals"]
ours = {"inuse_space": d["inuse_bytes"], "inuse_objects": d["inuse_objects"],
        "alloc_space": d["alloc_bytes"], "alloc_objects": d["alloc_objects"]}
bad = []
for k, v in ours.items():
    p = int(open(t + "/pp." + k).read().strip() or -1)
    if p <= 0 or abs(v - p) > 0.01 * p:
        bad.append("%s: ours %d, pprof %d" % (k, v, p))
print("; ".join(bad))
sys.exit(1 if bad else 0)
PY
		then ok "heap: $(basename "$f") totals within 1% of go tool pprof"
		else ko "heap: $(basename "$f") against pprof" "$(cat "$tmp/heap.why")"; fi
	done
else
	ko "heap: go tool pprof needed for the scaling check"
fi

# The series, either form: the three leaks flagged with a positive rate,
# the working set that rises and falls not; exit 1.
for form in pb text; do
	"$bin" heap -f json "$H/$form" >"$tmp/ht.json" 2>"$tmp/ht.err"
	rc=$?
	if python3 - "$tmp/ht.json" <<'PY' >"$tmp/ht.why" 2>&1 && [ $rc = 1 ]
import json, sys
d = json.load(open(sys.argv[1]))
def site(s):
    return [f["func"] for f in s["frames"]]
grow = {}
for s in d["sites"]:
    fr = site(s)
    for name in ("main.readUpload", "main.(*sessionCache).Put",
                 "main.handleSubscribe", "main.newBatchItem"):
        if name in fr:
            grow.setdefault(name, []).append((s["growing"], s["bytes_per_hour"]))
bad = []
for name in ("main.readUpload", "main.(*sessionCache).Put", "main.handleSubscribe"):
    if not any(g and r > 0 for g, r in grow.get(name, [])):
        bad.append(name + " not flagged growing")
if any(g for g, r in grow.get("main.newBatchItem", [])) or not grow.get("main.newBatchItem"):
    bad.append("the working set (main.newBatchItem) flagged or missing")
# 32 KiB per upload, 5 uploads/s: about 590 MB/h
up = max(r for g, r in grow["main.readUpload"])
if not 450e6 < up < 700e6:
    bad.append("readUpload at %.0f B/h" % up)
print("; ".join(bad))
sys.exit(1 if bad else 0)
PY
	then ok "heap trend ($form): the three leaks growing, the working set not, exit 1"
	else ko "heap trend ($form): exit $rc" "$(cat "$tmp/ht.why" "$tmp/ht.err")"; fi
done

# Protobuf and text captures of one moment name the same sites.
"$bin" heap -f json "$H/pb/app-heap-20261202T202131Z.pb.gz" >"$tmp/hp.json"
"$bin" heap -f json "$H/text/app-heap-20261202T202131Z.txt" >"$tmp/ht.json"
if python3 - "$tmp/hp.json" "$tmp/ht.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
top = lambda d: [s["key"] for s in d["sites"][:4]]
sys.exit(0 if top(a) == top(b) else 1)
PY
then ok "heap: protobuf and text of one moment, the same top sites"
else ko "heap: protobuf and text top sites differ"; fi

# Bad input: clear messages, exit 2.
printf 'heap profile: 1: 2 [3: 4] @ heap/2\n1: 2 [3: 4] @ 0x1\nnonsense\n' >"$tmp/bad.txt"
"$bin" heap "$tmp/bad.txt" >/dev/null 2>"$tmp/err"
rc=$?
grep -q "bad.txt: line 3: not a heap profile record" "$tmp/err" && [ $rc = 2 ] &&
	ok "heap: a malformed text profile names its line, exit 2" ||
	ko "heap: malformed text: exit $rc" "$(cat "$tmp/err")"
head -c 3000 "$H/pb/app-heap-20261202T202131Z.pb.gz" >"$tmp/cut.pb.gz"
"$bin" heap "$tmp/cut.pb.gz" >/dev/null 2>"$tmp/err"
rc=$?
grep -q "cut.pb.gz: gzip data cut short" "$tmp/err" && [ $rc = 2 ] &&
	ok "heap: truncated gzip, exit 2" || ko "heap: truncated gzip: exit $rc" "$(cat "$tmp/err")"
"$bin" heap samples/go1.26-cpu.pb.gz >/dev/null 2>"$tmp/err"
rc=$?
grep -q "not a heap profile" "$tmp/err" && [ $rc = 2 ] &&
	ok "heap: a cpu profile is refused, exit 2" || ko "heap: cpu profile: exit $rc" "$(cat "$tmp/err")"

# A snap directory (heapleak -watchers, goroutine dumps and heap profiles
# kept together): trend reports the heap series beside the goroutine one,
# and a growing site that shares a user function with the growing
# goroutine group says so; a site that shares none does not.
"$bin" trend -f json "$H/snap" >"$tmp/hs.json" 2>"$tmp/hs.err"
rc=$?
if python3 - "$tmp/hs.json" <<'PY' >"$tmp/hs.why" 2>&1 && [ $rc = 1 ]
import json, sys
d = json.load(open(sys.argv[1]))
grow = [g for g in d["groups"] if g["growing"]]
assert len(grow) == 1, [g["frames"][0]["func"] for g in grow]
fp = grow[0]["fingerprint"]
fr = lambda s: [f["func"] for f in s["frames"]]
h = d["heap"]
assert len(h["snapshots"]) == 8 and len(d["snapshots"]) == 8
ticker = [s for s in h["sites"] if "time.NewTicker" in fr(s) and s["growing"]]
assert ticker, "no growing time.NewTicker site"
for s in ticker:
    assert {"fingerprint": fp, "func": "main.handleSubscribe"} in s["shared_with_goroutines"], s
up = [s for s in h["sites"] if "main.readUpload" in fr(s)]
assert up and up[0]["growing"] and up[0]["shared_with_goroutines"] == [], up
ws = [s for s in h["sites"] if "main.newBatchItem" in fr(s)]
assert ws and not any(s["growing"] for s in ws), ws
PY
then ok "trend over a snap directory: heap beside goroutines, the ticker site shares main.handleSubscribe with the growing group"
else ko "trend over $H/snap: exit $rc" "$(cat "$tmp/hs.why" "$tmp/hs.err")"; fi
"$bin" trend "$H/snap" >"$tmp/hs.txt" 2>&1
grep -q "^    shares main.handleSubscribe with the growing goroutine group [0-9a-f]\{16\}$" "$tmp/hs.txt" &&
	grep -q "^heap trend .*8 snapshots" "$tmp/hs.txt" &&
	ok "trend text: the heap section and the shared function" ||
	ko "trend text over $H/snap" "$(tail -5 "$tmp/hs.txt")"

# Diagnoses of the growing sites, judged on runtime and library frames and
# the shape of what is kept (never the program's names): the 32 KiB reads
# kept for a sub-slice, the tickers, the map's tables; none for the
# working set that rises and falls, nor for any site of a single profile.
for form in pb text snap; do
	"$bin" heap -f json "$H/$form" >"$tmp/hd.json" 2>/dev/null
	if python3 - "$tmp/hd.json" <<'PY' >"$tmp/hd.why" 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
fr = lambda s: [f["func"] for f in s["frames"]]
def names(func):
    out = set()
    for s in d["sites"]:
        if func in fr(s) and s["growing"]:
            out |= {x["name"] for x in s["diagnoses"]}
    return out
bad = []
if "heap-large-buffers-kept" not in names("main.readUpload"): bad.append("readUpload")
if "heap-timers-not-stopped" not in names("time.NewTicker"): bad.append("NewTicker")
if "heap-container-grows" not in names("main.(*sessionCache).Put"): bad.append("cache map")
for s in d["sites"]:
    if "main.newBatchItem" in fr(s) and s["diagnoses"]: bad.append("working set diagnosed")
    if not s["growing"] and s["diagnoses"]: bad.append("steady site diagnosed: " + s["site"])
    for x in s["diagnoses"]:
        if not (x["cause"] and x["fix"] and x["rule_file"] == "patterns/60-heap.rules"): bad.append("fields")
print("; ".join(bad)); sys.exit(1 if bad else 0)
PY
	then ok "heap diagnoses ($form): sub-slices of large reads, tickers, the map's tables; none for the working set"
	else ko "heap diagnoses ($form)" "$(cat "$tmp/hd.why")"; fi
done
"$bin" heap samples/series-heap/pb/app-heap-20261202T202131Z.pb.gz -f json |
	python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(any(s["diagnoses"] for s in d["sites"]))' &&
	ok "heap: a single profile shows no growth diagnosis" || ko "heap: diagnoses on a single profile"
"$bin" heap "$H/pb" | grep -q "^    diagnosis heap-timers-not-stopped: .*never stopped" &&
	ok "heap trend text: a diagnosis with its cause under the site" || ko "heap trend text: no diagnosis line"

# diff of two heap profiles (told by content, either form): per site the
# change in bytes and objects, the leaks flagged, exit 1; a profile against
# itself changes nothing, exit 0; a heap profile against a dump, exit 2.
first=$H/pb/app-heap-20261202T201836Z.pb.gz
last=$H/text/app-heap-20261202T202131Z.txt
"$bin" diff -f json "$first" "$last" >"$tmp/hdiff.json" 2>"$tmp/hdiff.err"
rc=$?
"$bin" heap -f json "$first" >"$tmp/h1.json"
"$bin" heap -f json "$last" >"$tmp/h2.json"
if [ $rc = 1 ] && python3 - "$tmp/hdiff.json" "$tmp/h1.json" "$tmp/h2.json" <<'PY' >"$tmp/hdiff.why" 2>&1
import json, sys
d, a, b = (json.load(open(p)) for p in sys.argv[1:])
assert d["kind"] == "heap_diff"
fr = lambda s: [f["func"] for f in s["frames"]]
old = {s["key"]: s for s in a["sites"]}
new = {s["key"]: s for s in b["sites"]}
for s in d["sites"]:
    o, n = old.get(s["key"]), new.get(s["key"])
    ob = o["inuse_bytes"] if o else 0
    nb = n["inuse_bytes"] if n else 0
    assert s["old_inuse_bytes"] == ob and s["new_inuse_bytes"] == nb, s["site"]
    assert s["delta_inuse_bytes"] == nb - ob
    assert s["flagged"] == (nb - ob >= d["min_growth"]), s["site"]
up = [s for s in d["sites"] if "main.readUpload" in fr(s)][0]
assert up["flagged"] and up["change"] == "grown" and up["delta_inuse_objects"] > 500, up
ws = [s for s in d["sites"] if "main.newBatchItem" in fr(s)][0]
assert not ws["flagged"], ws
assert d["flagged"] == sum(s["flagged"] for s in d["sites"]) > 0
assert d["new"]["totals"]["inuse_bytes"] == b["totals"]["inuse_bytes"]
PY
then ok "diff of two heap profiles (pb against text): per-site changes match each profile, the upload leak flagged, exit 1"
else ko "heap diff: exit $rc" "$(cat "$tmp/hdiff.why" "$tmp/hdiff.err")"; fi
"$bin" diff "$last" "$last" >"$tmp/hsame.txt" 2>&1
rc=$?
grep -q "0 new, 0 gone, 0 grown, 0 shrunk; 0 grew" "$tmp/hsame.txt" && [ $rc = 0 ] &&
	ok "heap diff of a profile with itself: no change, exit 0" || ko "heap diff with itself: exit $rc" "$(head -3 "$tmp/hsame.txt")"
"$bin" diff "$last" samples/go1.26-debug2.txt >/dev/null 2>"$tmp/err"
rc=$?
grep -q "go1.26-debug2.txt: not a heap profile, while .* is one" "$tmp/err" && [ $rc = 2 ] &&
	ok "diff of a heap profile and a goroutine dump: refused, exit 2" ||
	ko "heap diff against a dump: exit $rc" "$(cat "$tmp/err")"

# trend over a directory of heap profiles alone: the heap trend, exit 1.
"$bin" trend "$H/pb" >"$tmp/htonly.txt" 2>&1
rc=$?
head -1 "$tmp/htonly.txt" | grep -q "^heap trend .*8 snapshots.*6 growing$" && [ $rc = 1 ] &&
	ok "trend over heap profiles alone: the heap trend, exit 1" ||
	ko "trend over $H/pb: exit $rc" "$(head -3 "$tmp/htonly.txt")"
# snap's --profile words and formats are checked before anything is fetched
"$bin" snap --profile goroutine,cpu --dir "$tmp/snapx" http://127.0.0.1:1 >/dev/null 2>"$tmp/err"
rc=$?
grep -q "'cpu' is not a profile kept by snap (goroutine, heap)" "$tmp/err" && [ $rc = 2 ] && [ ! -e "$tmp/snapx" ] &&
	ok "snap --profile: an unknown profile is refused, exit 2, nothing made" ||
	ko "snap --profile cpu: exit $rc" "$(cat "$tmp/err")"
"$bin" snap --profile heap -f html --dir "$tmp/snapx" http://127.0.0.1:1 >/dev/null 2>"$tmp/err"
rc=$?
grep -q "profile heap reports as text, json or prom" "$tmp/err" && [ $rc = 2 ] &&
	ok "snap --profile heap -f html: refused, exit 2" || ko "snap --profile heap -f html: exit $rc" "$(cat "$tmp/err")"
# A user's heap rule (no growing key) holds on a single profile, text and
# JSON, only for the site it matches.
printf 'diagnosis batch-set\n    heap\n    frame ^main\\.newBatchItem$\n    min-objects 100\n    cause the batch working set\n    fix size the batches\n' >"$tmp/heap.rules"
"$bin" heap --rules "$tmp/heap.rules" "$last" >"$tmp/hr.txt" 2>&1
"$bin" heap --rules "$tmp/heap.rules" -f json "$last" >"$tmp/hr.json" 2>&1
if grep -q "^    diagnosis batch-set: the batch working set$" "$tmp/hr.txt" &&
	python3 - "$tmp/hr.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
hit = [s for s in d["sites"] if s["diagnoses"]]
assert len(hit) == 1 and hit[0]["frames"][0]["func"] == "main.newBatchItem", hit
assert hit[0]["diagnoses"][0]["fix"] == "size the batches"
PY
then ok "heap --rules: a user heap diagnosis on one profile, text and JSON"
else ko "heap --rules" "$(head -20 "$tmp/hr.txt")"; fi

# A text profile is streamed a buffer at a time: a real one's records
# repeated 400 times (some 45 MB, records cut at every buffer boundary)
# gives the same sites, each with 400 times its figures.
f=$(ls "$H"/text/*.txt | tail -n 1)
m=$(grep -n '^# runtime.MemStats' "$f" | cut -d: -f1)
{
	head -n 1 "$f"
	i=0
	while [ $i -lt 400 ]; do sed -n "2,$((m - 1))p" "$f"; i=$((i + 1)); done
	tail -n +"$m" "$f"
} >"$tmp/big-heap.txt"
"$bin" heap -f json "$f" >"$tmp/h1.json" 2>&1
"$bin" heap -f json "$tmp/big-heap.txt" >"$tmp/h400.json" 2>&1
rc=$?
if [ $rc = 0 ] && python3 - "$tmp/h1.json" "$tmp/h400.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sa = {s["key"]: s for s in a["sites"]}
sb = {s["key"]: s for s in b["sites"]}
assert sa.keys() == sb.keys() and len(sa) > 50, (len(sa), len(sb))
for k, s in sa.items():
    for v in ("inuse_bytes", "inuse_objects"):
        # each record is scaled, then summed: 400 times, to rounding
        assert abs(sb[k][v] - 400 * s[v]) <= 400, (k, v, s[v], sb[k][v])
PY
then ok "heap text streamed: $(wc -c <"$tmp/big-heap.txt") bytes, every site 400 times its figures"
else ko "heap text streamed" "exit $rc"; fi
