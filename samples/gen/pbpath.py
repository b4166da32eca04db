#!/usr/bin/env python3
"""Replaces the directory of the binary in the mapping file names of
gzipped profile.proto captures by nothing, leaving the binary's base name
("leaky-go1.26"): the profile keeps no path of the machine it was taken on.

    pbpath.py DIR FILE.pb.gz...

DIR is the directory to strip. Only string_table entries (field 6 of
Profile, top level) are rewritten; nothing else changes, so every index
into the table stays valid.
"""
import gzip
import sys


def varint(b, i):
    r = shift = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7F) << shift
        if c < 0x80:
            return r, i
        shift += 7


def put_varint(v):
    out = bytearray()
    while True:
        c = v & 0x7F
        v >>= 7
        if v:
            out.append(c | 0x80)
        else:
            out.append(c)
            return bytes(out)


def strip(data, prefix):
    out = bytearray()
    i = 0
    while i < len(data):
        start = i
        tag, i = varint(data, i)
        wt = tag & 7
        if wt == 0:
            _, i = varint(data, i)
        elif wt == 1:
            i += 8
        elif wt == 5:
            i += 4
        elif wt == 2:
            n, i = varint(data, i)
            body = data[i:i + n]
            i += n
            if tag >> 3 == 6 and body.startswith(prefix):
                body = body[len(prefix):].lstrip(b"/")
                out += put_varint(tag) + put_varint(len(body)) + body
                continue
        else:
            sys.exit("pbpath: unexpected wire type %d" % wt)
        out += data[start:i]
    return bytes(out)


def main():
    prefix = sys.argv[1].rstrip("/").encode()
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            data = gzip.decompress(f.read())
        data = strip(data, prefix)
        if prefix in data:
            sys.exit("pbpath: %s still holds %s" % (path, prefix.decode()))
        with open(path, "wb") as f:
            f.write(gzip.compress(data, mtime=0))


main()
