#!/usr/bin/env python3
"""Derives the log-wrapped, re-encoded and damaged variants in samples/ from
the real captures. Deterministic: the same inputs give the same outputs.

    derive.py SAMPLES_DIR

Each output names its source in samples/README.md.
"""
import datetime
import gzip
import io
import json
import os
import random
import sys

START = datetime.datetime(2026, 11, 20, 10, 0, 0, tzinfo=datetime.timezone.utc)


class Clock:
    """Advancing timestamps with nanosecond precision."""

    def __init__(self, seed, start=START):
        self.rng = random.Random(seed)
        self.t = start
        self.ns = 123456789

    def tick(self, lo=2000, hi=400000):
        self.ns += self.rng.randint(lo, hi)
        if self.rng.random() < 0.04:
            # now and then the fraction ends in zeros, which RFC3339Nano trims
            self.ns -= self.ns % 1000
        if self.rng.random() < 0.01:
            self.ns -= self.ns % 1000000
        return self

    def pause(self, seconds):
        self.ns += int(seconds * 1e9)
        return self

    def _split(self):
        sec, ns = divmod(self.ns, 1000000000)
        return self.t + datetime.timedelta(seconds=sec), ns

    def rfc3339nano(self):
        """Go's time.RFC3339Nano: trailing zeros of the fraction removed."""
        t, ns = self._split()
        frac = ("%09d" % ns).rstrip("0")
        return t.strftime("%Y-%m-%dT%H:%M:%S") + ("." + frac if frac else "") + "Z"

    def rfc3339nano_fixed(self):
        """docker logs -t: always nine fraction digits."""
        t, ns = self._split()
        return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%09dZ" % ns

    def syslog(self):
        t, _ = self._split()
        return t.strftime("%b %d %H:%M:%S")

    def stdlog(self):
        t, ns = self._split()
        return t.strftime("%Y/%m/%d %H:%M:%S") + ".%06d" % (ns // 1000)


def read(samples, name):
    with open(os.path.join(samples, name), encoding="utf-8") as f:
        return f.read()


def write(samples, name, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    kw = {} if isinstance(data, bytes) else {"encoding": "utf-8", "newline": ""}
    with open(os.path.join(samples, name), mode, **kw) as f:
        f.write(data)


def dump_lines(text):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def app_json(clock, level, msg, **kv):
    rec = {"level": level, "ts": clock.rfc3339nano(), "caller": kv.pop("caller", "api/server.go:88"),
           "msg": msg}
    rec.update(kv)
    return json.dumps(rec, separators=(",", ":"))


# Application log lines around the dump. (stream, text); "{dump}" marks where
# the dump goes.
BEFORE = [
    ("stdout", "info", "starting shop", {"version": "2.14.1", "commit": "9f2c1e7"}),
    ("stdout", "info", "listening", {"addr": ":8080"}),
    ("stdout", "info", "request", {"method": "GET", "path": "/api/search", "status": 200, "ms": 41}),
    ("stdout", "warn", "slow request", {"method": "POST", "path": "/orders", "ms": 30012}),
    ("stdout", "info", "request", {"method": "GET", "path": "/api/cart", "status": 200, "ms": 3}),
    ("stderr", "warn", "goroutine count above threshold, dumping stacks", {"goroutines": 250, "threshold": 200}),
]
AFTER = [
    ("stdout", "info", "request", {"method": "GET", "path": "/healthz", "status": 200, "ms": 0}),
    ("stdout", "error", "request timed out", {"method": "POST", "path": "/orders", "ms": 60000}),
    ("stdout", "info", "shutting down", {"signal": "terminated"}),
]


CRASH_BEFORE = BEFORE[:-1] + [
    ("stdout", "info", "replaying order journal", {"entries": 1042}),
]


def wrapped(dump, clock, fmt_line, after=True):
    """Returns the lines of an application log with the dump on stderr. A
    crash dump ends the log (after=False): the process died."""
    out = []
    for stream, level, msg, kv in BEFORE if after else CRASH_BEFORE:
        clock.tick(10**6, 9 * 10**8)
        out.append(fmt_line(clock, stream, app_json(clock, level, msg, **kv)))
    clock.tick()
    for line in dump_lines(dump):
        clock.tick()
        out.append(fmt_line(clock, "stderr", line))
    for stream, level, msg, kv in AFTER if after else []:
        clock.tick(10**6, 9 * 10**8)
        out.append(fmt_line(clock, stream, app_json(clock, level, msg, **kv)))
    return "".join(l + "\n" for l in out)


def cri_line(clock, stream, line):
    return "%s %s F %s" % (clock.rfc3339nano(), stream, line)


def docker_t_line(clock, stream, line):
    return "%s %s" % (clock.rfc3339nano_fixed(), line)


def journald_line(clock, stream, line):
    return "%s web-1 shop[4121]: %s" % (clock.syslog(), line)


def go_json_string(s):
    """A JSON string as Go's encoding/json writes it (HTML-safe escapes)."""
    s = json.dumps(s, ensure_ascii=False)
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def docker_json_line(clock, stream, line):
    return '{"log":%s,"stream":"%s","time":"%s"}' % (go_json_string(line + "\n"), stream,
                                                    clock.rfc3339nano())


def multi_dump_log(samples, names):
    clock = Clock(7)
    out = []

    def log(msg):
        clock.tick(10**7, 3 * 10**9)
        out.append("%s shop: %s" % (clock.stdlog(), msg))

    log("admin listening on 127.0.0.1:6060")
    log("scenario accept started")
    log("scenario pool started")
    done = 0
    for i, (name, searches) in enumerate(names):
        for _ in range(searches - done):
            clock.tick(10**8, 10**9)
            out.append('%s http: GET /api/search?q=boots 200 %dms' % (clock.stdlog(), 20 + clock.rng.randint(0, 9)))
        done = searches
        clock.pause(55 + 5 * i)
        log("watchdog: %d goroutines, dumping stacks (snapshot %d)" % (0, i + 1))
        dump = read(samples, name)
        ngor = sum(1 for l in dump_lines(dump) if l.startswith("goroutine "))
        out[-1] = out[-1].replace("watchdog: 0 goroutines", "watchdog: %d goroutines" % ngor)
        out.extend(dump_lines(dump))
        out.append("")
        log("watchdog: snapshot %d written" % (i + 1))
    log("SIGTERM received, stopping")
    return "".join(l + "\n" for l in out)


def truncated(dump):
    """Cuts the dump in the middle of a line of its last goroutine."""
    lines = dump_lines(dump)
    last = max(i for i, l in enumerate(lines) if l.startswith("goroutine "))
    # a function line a few lines into the last goroutine
    cut = min(last + 3, len(lines) - 1)
    keep = "\n".join(lines[:cut]) + "\n" + lines[cut][: max(1, len(lines[cut]) // 2)]
    return keep


# Markup a report page must show as text: each payload, were it parsed as
# HTML, would change the page (its title, a new element, the end of the
# style sheet). No spaces in the function names: a frame line keeps its shape.
HOSTILE_FUNCS = [
    ("example.com/shop/internal/catalog.(*Searcher).Search.func1",
     "example.com/shop/internal/catalog.<script>document.title='pwned'</script>"),
    ("example.com/shop/internal/cache.(*Store).Refresh",
     "example.com/shop/internal/cache.\"><img/src=x/onerror=document.title='pwned'>"),
    ("main.startMutex.func1",
     "main.</style></title></textarea><svg/onload=document.title='pwned'>"),
]
HOSTILE_LABELS = [
    ('"tenant": "acme"', '"tenant": "<script>document.title=\'pwned\'</script>"'),
    ('"endpoint": "/api/search"', '"endpoint": "\\"><img src=x onerror=document.title=1>"'),
]


def hostile(dump):
    """Function names and labels holding markup, in a real capture."""
    for old, new in HOSTILE_FUNCS + HOSTILE_LABELS:
        assert old in dump, old
        dump = dump.replace(old, new)
    return dump


def checkout_paths(dump, module="example.com/shop/",
                   checkout="/builds/acme/shop/", goroot="/usr/local/go/src/"):
    """The -trimpath paths as a build without -trimpath prints them: the
    module's files under a CI checkout, the standard library's under
    GOROOT."""
    out = []
    for line in dump_lines(dump):
        if line.startswith("\t") and ".go:" in line:
            path = line[1:]
            path = checkout + path[len(module):] if path.startswith(module) else goroot + path
            line = "\t" + path
        out.append(line)
    return "\n".join(out) + "\n"


def json_stack_log(samples):
    """Application JSON log whose records carry goroutine-shaped strings in a
    "stack" field; there is no real dump in the file."""
    clock = Clock(11)
    panic_single = read(samples, "go1.26-panic-single.txt")
    block = []
    started = False
    for l in dump_lines(panic_single):
        if l.startswith("goroutine "):
            started = True
        if started:
            if l == "":
                break
            block.append(l)
    stack_from_capture = "\n".join(block) + "\n"
    records = [
        ("info", "starting shop", {"version": "2.14.1"}),
        ("info", "request", {"method": "GET", "path": "/api/cart", "status": 200}),
        ("error", "recovered", {"stack": "goroutine 12 [running]:\nmain.f()\n\t/app/main.go:9 +0x1d\n"}),
        ("info", "request", {"method": "GET", "path": "/api/cart", "status": 200}),
        ("error", "recovered", {"path": "/orders/ord-1042/replay",
                                "error": "runtime error: invalid memory address or nil pointer dereference",
                                "stack": stack_from_capture}),
        ("warn", "slow request", {"method": "POST", "path": "/orders", "ms": 30012}),
        ("error", "recovered", {"stack": "goroutine 57 [running]:\nruntime/debug.Stack()\n\truntime/debug/stack.go:26 +0x5e\nexample.com/shop/internal/api.(*Recoverer).ServeHTTP.func1()\n\texample.com/shop/internal/api/recover.go:21 +0x65\npanic({0x6f7a40?, 0xa1c2d0?})\n\truntime/panic.go:787 +0x132\n"}),
        ("info", "shutting down", {}),
    ]
    out = []
    for level, msg, kv in records:
        clock.tick(10**6, 2 * 10**9)
        rec = {"level": level, "ts": clock.rfc3339nano(), "msg": msg}
        rec.update(kv)
        out.append(json.dumps(rec, separators=(",", ":")))
    return "".join(l + "\n" for l in out)


def gzip_bytes(data):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as f:
        f.write(data)
    return buf.getvalue()


def garbage():
    """4 KiB of seeded random bytes with runs of NULs, an ELF-like header
    and a few printable words, so it is not text."""
    rng = random.Random(2026)
    out = bytearray(b"\x7fELF\x02\x01\x01\x00" + bytes(8))
    while len(out) < 4096:
        r = rng.random()
        if r < 0.2:
            out += bytes(rng.randint(4, 64))
        elif r < 0.25:
            out += rng.choice([b"goroutine ", b"runtime.gopark", b"\tmain.go:12", b"[chan receive]:"])
        else:
            out += bytes(rng.randrange(256) for _ in range(rng.randint(8, 96)))
    return bytes(out[:4096])


# ---- shapes people paste: the same dump as a person still reads it ----

def lines_of(dump):
    return dump_lines(dump)


def join(lines):
    return "".join(l + "\n" for l in lines)


def tabs_to_spaces(dump, width):
    """A dump pasted through a web page or an issue tracker: every tab
    became spaces."""
    return join(l.replace("\t", " " * width) for l in lines_of(dump))


def indented(dump, pad, tabs=None):
    """go test -v output: every line indented by pad spaces before the
    original text (blank lines stay blank); tabs optionally become spaces
    too."""
    out = []
    for l in lines_of(dump):
        if tabs is not None:
            l = l.replace("\t", " " * tabs)
        out.append(" " * pad + l if l else "")
    return join(out)


def double_spaced(dump):
    """A Bazel test log: a blank line after every line."""
    return "".join(l + "\n\n" for l in lines_of(dump))


def trailing_spaces(dump, seed):
    """An editor or a terminal copy left blanks at the end of lines."""
    rng = random.Random(seed)
    return join(l + " " * rng.choice([0, 1, 2, 4]) + ("\t" if rng.random() < 0.1 else "")
                for l in lines_of(dump))


def github_actions(dump, clock):
    """A GitHub Actions job log: a timestamp with seven fraction digits
    before every line; blank lines keep the timestamp but lose the space."""
    out = []
    for l in lines_of(dump):
        clock.tick(100, 5000)
        t, ns = clock._split()
        stamp = t.strftime("%Y-%m-%dT%H:%M:%S") + ".%07dZ" % (ns // 100)
        out.append(stamp + (" " + l if l else ""))
    return join(out)


STRAY = [
    "2026/11/20 10:00:59.552983 http: GET /api/search?q=boots 200 21ms",
    "time=2026-11-20T10:00:59.601Z level=INFO msg=\"request served\" path=/api/cart status=200",
    "2026/11/20 10:00:59.734210 worker: batch 4211 settled",
]


def stray_lines(dump, seed, every):
    """Application log lines that landed inside the dump while the runtime
    printed it, some between a frame's function and its file line."""
    rng = random.Random(seed)
    out = []
    for i, l in enumerate(lines_of(dump)):
        out.append(l)
        if i > 2 and i % every == 0:
            out.append(rng.choice(STRAY))
    return join(out)


def cri_partial(dump, clock, seed, every):
    """kubelet's CRI log file: the container runtime split some lines into
    "P" (partial) records and the "F" record that ends them, as it does for
    lines over 16 KiB or for each write without a newline; here every so
    many lines are split at a random point, and every fifth goroutine
    header (the first one too) into the pieces the runtime prints."""
    rng = random.Random(seed)
    out = []
    headers = 0
    for i, l in enumerate(lines_of(dump)):
        clock.tick()
        if l.startswith("goroutine ") and headers % 5 == 0:
            # a runtime that writes a header in pieces ("goroutine ", the
            # id, the bracket) under a runtime that makes a record of each
            # write (CRI-O's conmon); the dump's first line among them
            cut = l.index(" [")
            for part in (l[:10], l[10:cut]):
                out.append(cri_line_kind(clock, "stderr", "P", part))
                clock.tick()
            out.append(cri_line_kind(clock, "stderr", "F", l[cut:]))
            headers += 1
            continue
        headers += l.startswith("goroutine ")
        if len(l) > 4 and i % every == 3:
            cut = rng.randint(1, len(l) - 1)
            out.append(cri_line_kind(clock, "stderr", "P", l[:cut]))
            clock.tick()
            out.append(cri_line_kind(clock, "stderr", "F", l[cut:]))
        else:
            out.append(cri_line_kind(clock, "stderr", "F", l))
    return join(out)


def cri_line_kind(clock, stream, kind, line):
    return "%s %s %s %s" % (clock.rfc3339nano(), stream, kind, line)


def debug1_no_hash(dump):
    """A debug=1 profile whose frame lines lost their "#" (a Markdown
    renderer took it for a heading mark): tab, pc, tab, function..."""
    return join(l[1:] if l.startswith("#\t") else l for l in lines_of(dump))


def main(samples):
    debug2 = read(samples, "go1.26-debug2.txt")
    write(samples, "go1.26-debug2-kubectl.log", wrapped(debug2, Clock(1), cri_line))
    write(samples, "go1.26-debug2-docker.log", wrapped(debug2, Clock(2), docker_t_line))
    write(samples, "go1.26-debug2-journald.log", wrapped(debug2, Clock(3), journald_line))
    write(samples, "go1.26-debug2-docker-json.log", wrapped(debug2, Clock(4), docker_json_line))
    write(samples, "go1.26-debug2-crlf.txt", debug2.replace("\n", "\r\n"))
    write(samples, "go1.26-debug2-truncated.txt", truncated(debug2))
    write(samples, "go1.26-debug2.txt.gz", gzip_bytes(debug2.encode("utf-8")))
    write(samples, "go1.26-debug2-checkout.txt", checkout_paths(debug2))

    panic119 = read(samples, "go1.19-panic-all.txt")
    write(samples, "go1.19-panic-all-kubectl.log", wrapped(panic119, Clock(5), cri_line, after=False))

    write(samples, "go1.26-grow-multi.log",
          multi_dump_log(samples, [("go1.26-grow-1.txt", 2), ("go1.26-grow-2.txt", 10),
                                   ("go1.26-grow-3.txt", 25)]))
    write(samples, "json-stack-field.log", json_stack_log(samples))
    write(samples, "go1.26-hostile-markup.txt",
          hostile(read(samples, "go1.26-tracebacklabels.txt")))
    write(samples, "binary-garbage.bin", garbage())

    sigquit = read(samples, "go1.26-sigquit.txt")
    write(samples, "go1.26-sigquit-spaces4.txt", tabs_to_spaces(sigquit, 4))
    write(samples, "go1.26-sigquit-indent8.txt", indented(sigquit, 8, tabs=8))
    write(samples, "go1.26-sigquit-gotest-v.txt", indented(sigquit, 4))
    write(samples, "go1.26-sigquit-double-spaced.txt", double_spaced(sigquit))
    write(samples, "go1.26-sigquit-trailing.txt", trailing_spaces(sigquit, 6))
    write(samples, "go1.26-sigquit-github.log", github_actions(sigquit, Clock(7)))
    write(samples, "go1.26-sigquit-stray.txt", stray_lines(sigquit, 8, 97))
    write(samples, "go1.26-debug2-cri-partial.log", cri_partial(debug2, Clock(9), 10, 23))
    debug1 = read(samples, "go1.26-debug1.txt")
    write(samples, "go1.26-debug1-nohash.txt", debug1_no_hash(debug1))
    write(samples, "go1.26-debug1-spaces4.txt", tabs_to_spaces(debug1, 4))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
