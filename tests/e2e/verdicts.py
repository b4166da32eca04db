#!/usr/bin/env python3
"""Checks gtriage's verdicts on a capture of the service program against
its ground truth (samples/gen/service/truth.tsv).

    verdicts.py TRUTH REPORT.json [--leak-from N] [--suspect-from N]
    verdicts.py --trend MIN_RATE TRUTH TREND.json

Every group is matched to a truth row by its signature function (its
innermost frame that the truth names) and, where the truth has several
rows for one function, by its wait state. Then:
  - a group the truth calls normal is never a leak (its own verdict);
  - a group the truth calls a leak, with at least --leak-from goroutines,
    is a leak, alone or through its finding; with at least --suspect-from,
    at least a suspect.
With --trend, over a `trend -f json` report: every leak the truth gives at
least MIN_RATE goroutines an hour is growing, at its rate within 10%; no
group the truth calls normal is growing.
Prints one line per failure and "verdicts: N passed, M failed".
"""
import json
import sys

RANK = {"normal": 0, "suspect": 1, "leak": 2}


def signature(group, names):
    for f in group["frames"]:
        if f["func"] in names:
            return f["func"]
    return None


def load_truth(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            col = line.rstrip("\n").split("\t")
            rows.append({"func": col[0], "verdict": col[1],
                         "rate": float(col[2]), "state": col[3]})
    return rows


def check_trend(min_rate, truth, report):
    names = {r["func"] for r in truth}
    passed = failed = 0
    seen = set()
    for g in report["groups"]:
        sig = signature(g, names)
        rows = [r for r in truth if r["func"] == sig]
        if len(rows) > 1:
            rows = [r for r in rows if r["state"] == g["state"]]
        if len(rows) != 1:
            continue
        row = rows[0]
        rate = g["growth_per_hour"]
        if row["verdict"] == "normal":
            ok, want = not g["growing"], "not growing"
        elif row["rate"] >= min_rate:
            seen.add(row["func"])
            ok = g["growing"] and abs(rate - row["rate"]) <= 0.1 * row["rate"]
            want = "growing at %.0f/h" % row["rate"]
        else:
            continue
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s [%s] %s: growing=%s at %.1f/h (want %s)" %
                  (sig, g["state"], g["counts"], g["growing"], rate, want))
    for row in truth:
        if row["verdict"] == "leak" and row["rate"] >= min_rate and \
                row["func"] not in seen:
            failed += 1
            print("FAIL no series for the leak %s" % row["func"])
    print("verdicts: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main():
    args = sys.argv[1:]
    if args and args[0] == "--trend":
        with open(args[3]) as f:
            return check_trend(float(args[1]), load_truth(args[2]),
                               json.load(f))
    leak_from, suspect_from = 20, 10
    if "--leak-from" in args:
        i = args.index("--leak-from")
        leak_from = int(args[i + 1])
        del args[i:i + 2]
    if "--suspect-from" in args:
        i = args.index("--suspect-from")
        suspect_from = int(args[i + 1])
        del args[i:i + 2]
    truth = load_truth(args[0])
    with open(args[1]) as f:
        report = json.load(f)
    finding = {}
    for fd in report.get("findings", []):
        for fp in fd["groups"]:
            finding[fp] = fd["verdict"]

    passed = failed = 0
    matched = set()
    names = {r["func"] for r in truth}
    for g in report["groups"]:
        sig = signature(g, names)
        rows = [r for r in truth if r["func"] == sig]
        if len(rows) > 1:
            rows = [r for r in rows if r["state"] == g["state"]]
        if len(rows) != 1:
            continue  # requests in flight, the dump writer: no truth
        row = rows[0]
        matched.add((row["func"], row["state"]))
        own = g["verdict"]
        worst = max(own, finding.get(g["fingerprint"], own), key=RANK.get)
        what = "%s [%s] %d goroutines: %s" % (sig, g["state"], g["count"],
                                               own)
        if row["verdict"] == "normal":
            ok = own != "leak"
            want = "not a leak"
        elif g["count"] >= leak_from:
            ok = worst == "leak"
            want = "a leak"
        elif g["count"] >= suspect_from:
            ok = RANK[worst] >= RANK["suspect"]
            want = "at least a suspect"
        else:
            continue
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s (want %s; %s)" % (what, want, g["evidence"]))
    # every leak the truth lists must have been found as a group
    for row in truth:
        if row["verdict"] == "leak" and row["rate"] > 0 and \
                (row["func"], row["state"]) not in matched:
            failed += 1
            print("FAIL no group for the leak %s [%s]" %
                  (row["func"], row["state"]))
    print("verdicts: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
