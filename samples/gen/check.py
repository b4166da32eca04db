#!/usr/bin/env python3
"""Checks that the captured dumps in samples/ have the expected shape.

Every goroutine is assigned a signature: the first function of SIGNATURES
that appears among its frames (ancestor blocks excluded). The counts per
signature must match what the scenarios of samples/gen/leaky create; they
are the numbers documented in samples/README.md.

The dumps of samples/gen/service (go1.26-service-*, series-service/) are
checked against service/truth.tsv instead, at the process age each was
captured at (service/capture.sh).

    check.py SAMPLES_DIR            verify, exit 1 on a mismatch
    check.py --summary FILE...      print the signature counts of files
"""
import collections
import os
import re
import sys

# (signature, function names that identify it), in priority order.
SIGNATURES = [
    ("pprof.writer", ["runtime/pprof.writeGoroutineStacks", "runtime/pprof.writeRuntimeProfile",
                      "runtime/pprof.writeGoroutineLeak"]),
    ("main.replayJournal", ["main.(*app).replayJournal"]),
    ("catalog.Search.func1", ["example.com/shop/internal/catalog.(*Searcher).Search.func1"]),
    ("notify.deliver", ["example.com/shop/internal/notify.(*Dispatcher).deliver"]),
    ("inventory.consume", ["example.com/shop/internal/inventory.(*Watcher).consume"]),
    ("inventory.acknowledge", ["example.com/shop/internal/inventory.(*Watcher).acknowledge"]),
    ("supervisor.parkForever", ["example.com/shop/internal/supervisor.(*Supervisor).parkForever"]),
    ("session.watch", ["example.com/shop/internal/session.(*Manager).watch"]),
    ("context.propagateCancel", ["context.propagateCancel.func1",
                                 "context.(*cancelCtx).propagateCancel.func2"]),
    ("cache.Refresh", ["example.com/shop/internal/cache.(*Store).Refresh"]),
    ("cache.Get", ["example.com/shop/internal/cache.(*Store).Get"]),
    ("config.Snapshot", ["example.com/shop/internal/config.(*Registry).Snapshot"]),
    ("config.Reload", ["example.com/shop/internal/config.(*Registry).Reload"]),
    ("config.Lookup", ["example.com/shop/internal/config.(*Registry).Lookup"]),
    ("orders.Settle", ["example.com/shop/internal/orders.(*Batch).Settle"]),
    ("orders.Reconciler.Run", ["example.com/shop/internal/orders.(*Reconciler).Run"]),
    ("orders.match", ["example.com/shop/internal/orders.(*Reconciler).match"]),
    ("queue.Pop", ["example.com/shop/internal/queue.(*Queue).Pop"]),
    ("audit.flush", ["example.com/shop/internal/audit.(*Shipper).flush"]),
    ("audit.Collector.serve", ["example.com/shop/internal/audit.(*Collector).serve"]),
    ("janitor.run", ["example.com/shop/internal/janitor.(*Sweeper).run"]),
    ("metrics.tickLoop", ["example.com/shop/internal/metrics.(*Reporter).tickLoop"]),
    ("legacy.readReply", ["example.com/shop/internal/legacy.(*Client).readReply"]),
    ("legacy.handle", ["example.com/shop/internal/legacy.(*Daemon).handle"]),
    ("legacy.acceptLoop", ["example.com/shop/internal/legacy.(*Daemon).acceptLoop"]),
    ("api.awaitApproval", ["example.com/shop/internal/api.(*OrderHandler).awaitApproval"]),
    ("loadgen.fire", ["example.com/shop/internal/loadgen.(*Runner).fire"]),
    ("main.searchHandler", ["main.searchHandler"]),
    ("platform.loop", ["example.com/shop/internal/platform.(*NamespaceRunner).loop"]),
    ("render.layout", ["example.com/shop/internal/render.(*Engine).layout"]),
    ("plugin.decodeValue", ["example.com/shop/internal/plugin.(*Decoder).decodeValue"]),
    ("plugin.readFrames", ["example.com/shop/internal/plugin.(*Host).readFrames"]),
    ("pricing.anneal", ["example.com/shop/internal/pricing.(*Optimizer).anneal"]),
    ("gateway.acceptLoop", ["example.com/shop/internal/gateway.(*Listener).acceptLoop"]),
    ("worker.worker", ["example.com/shop/internal/worker.(*Pool).worker"]),
    ("lifecycle.handleSignals", ["example.com/shop/internal/lifecycle.handleSignals"]),
    ("clock.loop", ["example.com/shop/internal/clock.(*Debouncer).loop"]),
    ("shipping.poll", ["example.com/shop/internal/shipping.(*Tracker).poll"]),
    ("http2.serverConn.serve", ["net/http.(*http2serverConn).serve"]),
    ("http2.serverConn.readFrames", ["net/http.(*http2serverConn).readFrames"]),
    ("http2.ClientConn.readLoop", ["net/http.(*http2ClientConn).readLoop"]),
    ("http.readLoop", ["net/http.(*persistConn).readLoop"]),
    ("http.writeLoop", ["net/http.(*persistConn).writeLoop"]),
    ("http.backgroundRead", ["net/http.(*connReader).backgroundRead",
                             "net/http.(*connReader).startBackgroundRead.gowrap2",
                             "net/http.(*connReader).startBackgroundRead.func2"]),
    ("http.conn.serve", ["net/http.(*conn).serve"]),
    ("http.Server.Serve", ["net/http.(*Server).Serve"]),
    ("sql.connectionOpener", ["database/sql.(*DB).connectionOpener"]),
    ("signal.loop", ["os/signal.loop"]),
    ("grpc.CallbackSerializer.run", ["google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run"]),
    ("grpc.loopyWriter.run", ["google.golang.org/grpc/internal/transport.(*loopyWriter).run"]),
    ("grpc.http2Server.keepalive", ["google.golang.org/grpc/internal/transport.(*http2Server).keepalive"]),
    ("grpc.http2Client.reader", ["google.golang.org/grpc/internal/transport.(*http2Client).reader"]),
    ("grpc.serveStreams", ["google.golang.org/grpc.(*Server).serveStreams"]),
    ("grpc.Server.Serve", ["google.golang.org/grpc.(*Server).Serve"]),
    ("grpc.ccBalancerWrapper.watcher", ["google.golang.org/grpc.(*ccBalancerWrapper).watcher"]),
    ("grpc.addrConn.resetTransport", ["google.golang.org/grpc.(*addrConn).resetTransport"]),
    ("main.main", ["main.main"]),
]

# What each scenario of leaky creates, by signature.
SCENARIOS = {
    "fanout": {"catalog.Search.func1": 40},
    "chanrecv": {"notify.deliver": 30},
    "nilchan": {"inventory.consume": 1, "inventory.acknowledge": 1},
    "selectnone": {"supervisor.parkForever": 1},
    "ctxwait": {"session.watch": 10, "context.propagateCancel": 10},
    "mutex": {"cache.Refresh": 1, "cache.Get": 5},
    "rwmutex": {"config.Snapshot": 1, "config.Reload": 1, "config.Lookup": 4},
    "waitgroup": {"orders.Settle": 2},
    "cond": {"queue.Pop": 4},
    "connwrite": {"audit.flush": 6, "audit.Collector.serve": 1},
    "sleeploop": {"janitor.run": 1},
    "ticker": {"metrics.tickLoop": 3},
    "connread": {"legacy.readReply": 4, "legacy.handle": 4, "legacy.acceptLoop": 1},
    "httpbody": {"http.readLoop": 20, "http.writeLoop": 20, "http.conn.serve": 20,
                 "http.Server.Serve": 1},
    "stuckhandler": {"api.awaitApproval": 6, "loadgen.fire": 6, "http.readLoop": 6,
                     "http.writeLoop": 6, "http.backgroundRead": 6, "http.Server.Serve": 1},
    "sqlopen": {"sql.connectionOpener": 10},
    "lockedthread": {"platform.loop": 2},
    "deep": {"render.layout": 1},
    "deepsyscall": {"plugin.decodeValue": 1},
    "syscall": {"plugin.readFrames": 1},
    "busy": {"pricing.anneal": 2},
    "accept": {"gateway.acceptLoop": 1},
    "pool": {"worker.worker": 4},
    "signals": {"lifecycle.handleSignals": 1, "signal.loop": 1},
    # optional scenarios (not part of -scenarios all)
    "http2": {"http2.serverConn.serve": 4, "http2.serverConn.readFrames": 4,
              "http2.ClientConn.readLoop": 4, "http.Server.Serve": 1},
    "sleeppoll": {"shipping.poll": 6},
}
ALL = [s for s in SCENARIOS if s not in ("http2", "sleeppoll")]
DEADLOCK_SAFE = ["fanout", "chanrecv", "nilchan", "selectnone", "mutex", "rwmutex",
                 "waitgroup", "cond", "lockedthread", "deep", "pool"]
SYSTEM_SET = DEADLOCK_SAFE + ["connread", "sleeploop", "ticker", "deepsyscall", "syscall", "busy",
                              "signals"]
SIGQUIT_SET = SYSTEM_SET + ["stuckhandler"]
MINUTES_SET = ["fanout", "mutex", "connread", "sleeploop", "ticker", "syscall", "pool", "selectnone"]
ANCESTORS_SET = ["waitgroup", "connread", "stuckhandler", "pool"]
LABELS_SET = ["fanout", "pool", "mutex", "stuckhandler"]
RACE_SET = ["fanout", "mutex", "connread", "pool", "signals"]
GROW_SET = ["accept", "pool", "ticker", "signals"]
LONGWAIT_SET = ["mutex", "sleeploop", "connread", "httpbody", "stuckhandler", "syscall"]
SELECTMAIN_SET = ["accept", "pool", "sleeppoll"]
HTTPCONNS_REQUESTS = 60  # -httpbody-requests of the httpconns capture

# longwait: the least number of minutes ("[IO wait, 11 minutes]") that every
# goroutine of these signatures must show.
LONGWAIT_MINUTES = {"legacy.readReply": 11, "cache.Get": 11, "loadgen.fire": 11,
                    "plugin.readFrames": 11, "janitor.run": 11, "http.conn.serve": 11}

# Goroutines that belong to the harness rather than to a scenario.
MAIN = {"main.main": 1}
ADMIN = {"http.Server.Serve": 1}                       # pprof/admin server accept loop
PPROF_REQ = {"pprof.writer": 1, "http.backgroundRead": 1}  # the request being served
PANIC = {"main.replayJournal": 1}


def expected(scenarios, *extra):
    c = collections.Counter()
    for s in scenarios:
        c.update(SCENARIOS[s])
    for e in extra:
        c.update(e)
    return c


def httpbody(n):
    # the httpbody scenario with -httpbody-requests n
    return {"http.readLoop": n, "http.writeLoop": n, "http.conn.serve": n,
            "http.Server.Serve": 1}


def grow(searches):
    # every /api/search request leaves 4 of its 5 shard goroutines blocked
    return {"catalog.Search.func1": 4 * searches}


# file suffix -> (expected counts, mode). mode "exact": every goroutine must
# have a signature; "app": goroutines made only of runtime frames are
# allowed (GOTRACEBACK=system/crash, SIGQUIT); "single": panicking goroutine
# only.
def expectations(ver):
    e = {
        "debug2": (expected(ALL, MAIN, ADMIN, PPROF_REQ), "exact"),
        "debug1": (expected(ALL, MAIN, ADMIN, PPROF_REQ), "exact"),
        "sigquit": (expected(SIGQUIT_SET, MAIN, ADMIN), "app"),
        "panic-single": (expected([], PANIC), "exact"),
        "panic-all": (expected(ALL, MAIN, ADMIN, PANIC), "exact"),
        "panic-system": (expected(SYSTEM_SET, MAIN, ADMIN, PANIC), "app"),
        "panic-crash": (expected(SYSTEM_SET, MAIN, ADMIN, PANIC), "app"),
        "crash": (expected(SYSTEM_SET, MAIN, ADMIN), "app"),
        "deadlock": (expected(DEADLOCK_SAFE, MAIN), "exact"),
        "ancestors": (expected(ANCESTORS_SET, MAIN, ADMIN, PPROF_REQ), "exact"),
        "minutes": (expected(MINUTES_SET, MAIN, ADMIN), "app"),
        "longwait": (expected(LONGWAIT_SET, MAIN, ADMIN), "app"),
        "test-timeout": ({"orders.Reconciler.Run": 1, "orders.match": 3, "main.main": 1}, "app"),
    }
    if ver >= (1, 26):
        e.update({
            "tracebacklabels": (expected(LABELS_SET, MAIN, ADMIN, PPROF_REQ), "exact"),
            "leakprofile": (expected(ALL, MAIN, ADMIN, PPROF_REQ), "exact"),
            "leakprofile-debug1": (None, "leaked"),
            "synctest": ({"clock.loop": 1, "main.main": 1}, "app"),
            "race": (None, "race"),
            "race-sigquit": (expected(RACE_SET, MAIN, ADMIN), "app"),
            # grpcleak, 5 requests: 8 goroutines left per client connection
            # (3 on the client side's serializers, client and server
            # loopy writers and readers, server keepalive), the gRPC
            # server's accept loop, and main writing the dump.
            "grpc-debug2": ({"grpc.CallbackSerializer.run": 15, "grpc.loopyWriter.run": 10,
                             "grpc.http2Server.keepalive": 5, "grpc.http2Client.reader": 5,
                             "grpc.serveStreams": 5, "grpc.Server.Serve": 1, "pprof.writer": 1},
                            "exact"),
            "grow-1": (expected(GROW_SET, MAIN, ADMIN, PPROF_REQ, grow(2)), "exact"),
            "grow-2": (expected(GROW_SET, MAIN, ADMIN, PPROF_REQ, grow(10)), "exact"),
            "grow-3": (expected(GROW_SET, MAIN, ADMIN, PPROF_REQ, grow(25)), "exact"),
            "select-main": (expected(SELECTMAIN_SET, MAIN, ADMIN, PPROF_REQ), "exact"),
            "httpconns": (expected([], MAIN, ADMIN, PPROF_REQ, httpbody(HTTPCONNS_REQUESTS)),
                          "exact"),
            "http2": (expected(["http2"], MAIN, ADMIN, PPROF_REQ), "exact"),
        })
    else:
        e.update({
            # grpcleak-old (google.golang.org/grpc v1.40.0), 5 requests: 7
            # goroutines left per connection (balancer watcher, addrConn
            # resetTransport, client reader, client and server loopy
            # writers, server keepalive, serveStreams), the accept loop and
            # main writing the dump.
            "grpc-debug2": ({"grpc.ccBalancerWrapper.watcher": 5, "grpc.addrConn.resetTransport": 5,
                             "grpc.loopyWriter.run": 10, "grpc.http2Server.keepalive": 5,
                             "grpc.http2Client.reader": 5, "grpc.serveStreams": 5,
                             "grpc.Server.Serve": 1, "pprof.writer": 1},
                            "exact"),
        })
    return e


# goroutines marked (leaked) by the goroutine leak profile, by signature
# (the session contexts' parent is still referenced, so their propagation
# goroutines are not leaked; the per-charge sql.DB handles are).
LEAKED = {"catalog.Search.func1": 40, "inventory.consume": 1, "inventory.acknowledge": 1,
          "supervisor.parkForever": 1, "orders.Settle": 2, "sql.connectionOpener": 10}

HEADER = re.compile(r"^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[([^\]]*)\]")
FUNC = re.compile(r"^(\S.*)\([^()]*\)$")


def parse_traceback(text):
    """Yields (id, state, [functions], created_by) per goroutine."""
    g = None
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            if g:
                yield g
            g = [int(m.group(1)), m.group(2), [], None, True]
            continue
        if g is None:
            continue
        if not g[4]:
            continue
        if line.startswith("\t"):
            continue
        if line.startswith("created by "):
            g[3] = line[len("created by "):].split(" in goroutine ")[0]
            continue
        if line.startswith("[originating from goroutine") or line == "" or line.startswith("..."):
            if line == "" or line.startswith("[originating"):
                g[4] = False
            continue
        fm = FUNC.match(line)
        if fm:
            g[2].append(fm.group(1))
        else:
            g[4] = False
    if g:
        yield g


def signature(funcs):
    for sig, names in SIGNATURES:
        for n in names:
            if n in funcs:
                return sig
    if all(f.startswith("runtime.") or f.startswith("runtime/") or f.startswith("internal/")
           or f.startswith("testing.") or f.startswith("testing/") or f.startswith("time.")
           or f.startswith("main.main") or f.startswith("os/signal.") or f == "panic"
           for f in funcs):
        return "runtime"
    return "other:" + (funcs[0] if funcs else "?")


def count_traceback(text, minutes=None):
    """Counts goroutines per signature (and those marked leaked); if minutes
    is a dict, stores the smallest wait in minutes seen per signature."""
    c = collections.Counter()
    leaked = collections.Counter()
    seen = set()
    for gid, state, funcs, created, _ in parse_traceback(text):
        # A crash dump prints a goroutine that sits in a system call once in
        # the goroutine list and again with its thread: count ids once.
        if gid != 0 and gid in seen:
            continue
        seen.add(gid)
        sig = signature(funcs)
        c[sig] += 1
        if "(leaked)" in state:
            leaked[sig] += 1
        if minutes is not None:
            m = re.search(r", (\d+) minutes", state)
            n = int(m.group(1)) if m else 0
            minutes[sig] = min(minutes.get(sig, n), n)
    return c, leaked


def count_debug1(text):
    c = collections.Counter()
    n, funcs = 0, []
    for line in text.splitlines() + [""]:
        m = re.match(r"^(\d+) @ ", line)
        if m:
            n, funcs = int(m.group(1)), []
        elif line.startswith("#\t0x"):
            funcs.append(line.split("\t")[2].rsplit("+", 1)[0])
        elif line == "" and n:
            c[signature(funcs)] += n
            n = 0
    return c


def check_file(path, ver, kind):
    exp, mode = expectations(ver)[kind]
    text = open(path, encoding="utf-8", errors="replace").read()
    errors = []
    if mode == "race":
        if "WARNING: DATA RACE" not in text or "goroutine " in text.replace("by goroutine", ""):
            pass
        if text.count("WARNING: DATA RACE") != 1:
            errors.append("want exactly one race report")
        return errors
    if mode == "leaked" or kind.endswith("debug1"):
        got = count_debug1(text)
        if mode == "leaked":
            exp = collections.Counter(LEAKED)
    else:
        minutes = {}
        got, leaked = count_traceback(text, minutes)
        if kind == "leakprofile" and leaked != collections.Counter(LEAKED):
            errors.append("leaked: got %s want %s" % (dict(leaked), LEAKED))
        if kind == "longwait":
            for sig, want in sorted(LONGWAIT_MINUTES.items()):
                if minutes.get(sig, 0) < want:
                    errors.append("%s: waits %d minutes, want at least %d"
                                  % (sig, minutes.get(sig, 0), want))
    # The pprof request's background reader may not have run yet: then its
    # stack holds only runtime.goexit (debug=1: a record with no frames).
    if (mode == "exact" and got.get("runtime", 0) == 1
            and got.get("http.backgroundRead", 0) == exp.get("http.backgroundRead", 0) - 1):
        got["http.backgroundRead"] += 1
        del got["runtime"]
    for sig in sorted(set(exp) | set(got)):
        if sig == "runtime" and mode != "exact":
            continue
        if sig.startswith("other:") and mode != "exact":
            continue
        if got.get(sig, 0) != exp.get(sig, 0):
            errors.append("%s: got %d want %d" % (sig, got.get(sig, 0), exp.get(sig, 0)))
    return errors


# ---- the service program: samples/gen/service/truth.tsv ----

# process age in seconds (after the load generator starts) of each capture
SERVICE_AGES = {"service-young": 95, "service-debug2": 725, "service-debug1": 969,
                "service-sigquit": 972, "service-panic": 972}
SERIES_SERVICE_AGES = [727, 787, 847, 907, 967]
# "+" rows hold requests in flight too: at most this many more
IN_FLIGHT = 10


def load_truth(path):
    """Rows (function, verdict, rate per hour, state, count at 725 s, in flight)."""
    rows = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        rows.append((f[0], f[1], int(f[2]), f[3], int(f[4].rstrip("+")), f[4].endswith("+")))
    return rows


def service_key(truth, funcs, state):
    """The truth row key of a goroutine: its innermost frame named in the
    table, with the wait state where the table has two rows for it."""
    names = {r[0] for r in truth}
    for fn in funcs:
        if fn in names:
            rows = [r for r in truth if r[0] == fn]
            if len(rows) == 1 or state is None:
                return (fn, None)
            state = state.split(",")[0]
            if state in [r[3] for r in rows]:
                return (fn, state)
            # in passing (runnable, running): a request in flight
            return (fn, next((r[3] for r in rows if r[5]), rows[0][3]))
    return None


def check_service(path, truth, age, debug1=False):
    """Checks the counts of one service dump at a process age."""
    text = open(path, encoding="utf-8", errors="replace").read()
    got = collections.Counter()
    if debug1:
        n, funcs = 0, []
        for line in text.splitlines() + [""]:
            m = re.match(r"^(\d+) @ ", line)
            if m:
                n, funcs = int(m.group(1)), []
            elif line.startswith("#\t0x"):
                funcs.append(line.split("\t")[2].rsplit("+", 1)[0])
            elif line == "" and n:
                k = service_key(truth, funcs, None)
                if k:
                    got[k[0]] += n
                n = 0
    else:
        seen = set()
        for gid, state, funcs, _, _ in parse_traceback(text):
            if gid in seen or state.startswith("running"):
                continue  # the goroutine that crashed or writes the dump
            seen.add(gid)
            k = service_key(truth, funcs, state)
            if k:
                got[k if k[1] is not None else k[0]] += 1
    want = collections.Counter()
    extra = collections.Counter()
    for fn, verdict, rate, state, count, inflight in truth:
        if fn.endswith("writeLoop"):
            continue  # one per client connection: checked against readLoop
        n = age * rate // 3600 if rate else count
        k = fn if debug1 or [r[0] for r in truth].count(fn) == 1 else (fn, state)
        want[k] += n
        if inflight:
            extra[k] += IN_FLIGHT
    errors = []
    for k in sorted(set(want) | set(got), key=str):
        if "writeLoop" in str(k):
            continue
        g = got.get(k, 0)
        if not want[k] <= g <= want[k] + extra[k]:
            errors.append("%s: got %d want %d%s" % (k, g, want[k],
                                                    " (+%d in flight)" % extra[k] if extra[k] else ""))
    reads = sum(v for k, v in got.items() if "readLoop" in str(k))
    writes = sum(v for k, v in got.items() if "writeLoop" in str(k))
    if reads != writes:
        errors.append("readLoop %d but writeLoop %d: one of each per connection" % (reads, writes))
    return errors


def check_services(samples):
    """Checks every service dump present; returns (files, failed)."""
    truth = load_truth(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "service", "truth.tsv"))
    files = []
    for name in sorted(os.listdir(samples)):
        m = re.match(r"^go\d+\.\d+-(service-[a-z0-9]+)\.txt$", name)
        if m and m.group(1) in SERVICE_AGES:
            files.append((name, os.path.join(samples, name), SERVICE_AGES[m.group(1)],
                          m.group(1).endswith("debug1")))
    series = os.path.join(samples, "series-service")
    if os.path.isdir(series):
        snaps = sorted(n for n in os.listdir(series) if re.match(r"^svc-\d{8}T\d{6}Z\.txt$", n))
        if len(snaps) != len(SERIES_SERVICE_AGES):
            print("series-service: %d snapshots, want %d" % (len(snaps), len(SERIES_SERVICE_AGES)))
            return len(snaps), len(snaps) or 1
        for n, age in zip(snaps, SERIES_SERVICE_AGES):
            files.append(("series-service/" + n, os.path.join(series, n), age, False))
    bad = 0
    for name, path, age, debug1 in files:
        errs = check_service(path, truth, age, debug1)
        for e in errs:
            print("%s: %s" % (name, e))
        bad += bool(errs)
    return len(files), bad


# written, not captured (see samples/README.md): no scenario of gen/leaky
WRITTEN = {"go1.3-deadlock.txt"}


def main(argv):
    if len(argv) > 1 and argv[1] == "--summary":
        for p in argv[2:]:
            text = open(p, encoding="utf-8", errors="replace").read()
            got = count_debug1(text) if "debug1" in p else count_traceback(text)[0]
            print(p, sum(got.values()))
            for k, v in sorted(got.items()):
                print("  %-28s %d" % (k, v))
        return 0
    samples = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    bad = 0
    seen = 0
    for name in sorted(os.listdir(samples)):
        m = re.match(r"^go(\d+)\.(\d+)-(.+)\.(txt|log)$", name)
        if not m or name in WRITTEN:
            continue
        ver = (int(m.group(1)), int(m.group(2)))
        kind = m.group(3)
        if kind not in expectations(ver):
            continue
        seen += 1
        errs = check_file(os.path.join(samples, name), ver, kind)
        for e in errs:
            print("%s: %s" % (name, e))
        bad += bool(errs)
    n, nbad = check_services(samples)
    seen += n
    bad += nbad
    print("check: %d files as expected, %d not" % (seen - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
