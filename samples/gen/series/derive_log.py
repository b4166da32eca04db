#!/usr/bin/env python3
"""Derives samples/series/logs/app-kubectl.log from three captured
snapshots (the 2nd, 4th and 6th): each dump is written as container log
lines with a CRI prefix ("<RFC 3339 time> stderr F "), as kubectl and
containerd keep them, between a few application log lines. The time of a
dump's first line is the time in its file name; later lines advance by a
few microseconds, as a real log would."""
import datetime
import glob
import os
import re
import sys


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"


def main(series_dir):
    snaps = sorted(glob.glob(os.path.join(series_dir, "app-*Z.txt")))
    if len(snaps) < 6:
        sys.exit("derive_log: need six snapshots in %s" % series_dir)
    out_dir = os.path.join(series_dir, "logs")
    os.makedirs(out_dir, exist_ok=True)
    lines = []
    step = datetime.timedelta(microseconds=23)
    for path in (snaps[1], snaps[3], snaps[5]):
        name = os.path.basename(path)
        m = re.search(r"(\d{8}T\d{6})Z", name)
        t = datetime.datetime.strptime(m.group(1), "%Y%m%dT%H%M%S")
        before = t - datetime.timedelta(seconds=2)
        lines.append("%s stdout F level=info msg=\"checkout done\" status=200\n"
                     % stamp(before))
        lines.append("%s stderr F level=info msg=\"writing goroutine dump\"\n"
                     % stamp(t - datetime.timedelta(milliseconds=1)))
        with open(path) as f:
            for line in f.read().rstrip("\n").split("\n"):
                lines.append("%s stderr F %s\n" % (stamp(t), line))
                t += step
        lines.append("%s stderr F level=info msg=\"goroutine dump written\"\n"
                     % stamp(t + datetime.timedelta(milliseconds=1)))
    with open(os.path.join(out_dir, "app-kubectl.log"), "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main(sys.argv[1])
