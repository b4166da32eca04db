#!/bin/sh
# Installs what gtriage needs to build and test on Debian or Ubuntu, from
# a base system with nothing else (no make, no compiler): make and the
# compiler (build-essential), pkg-config, PCRE2, uthash, jansson, zlib,
# libcurl, protobuf-c (library and code generator), cmocka, GNU time for
# the benchmark, python3 with jsonschema for the SARIF schema check, and a
# Go toolchain for the live tests (Debian's golang-go unless a Go is
# already on PATH). With the argument "fuzz", also clang, whose libFuzzer
# runtime `make fuzz` links. Needs only sh and apt-get; runs apt-get as
# root, or through sudo.
# Chromium, for the browser tests of the HTML page, is tried last: the
# tests skip without it, so failing to install it fails nothing.
set -eu
pkgs="build-essential pkg-config libpcre2-dev uthash-dev libjansson-dev
zlib1g-dev libcurl4-openssl-dev libprotobuf-c-dev protobuf-c-compiler
libcmocka-dev time ca-certificates python3 python3-jsonschema"
[ "${1:-}" = fuzz ] && pkgs="$pkgs clang"
command -v go >/dev/null 2>&1 || pkgs="$pkgs golang-go"

optional=
command -v chromium >/dev/null 2>&1 || optional=chromium

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && [ -z "$optional" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
elif [ -z "$missing" ]; then
	echo "install-deps: $optional not installed (needs root); the browser tests will skip" >&2
	exit 0
else
	echo "install-deps: need root to install:$missing" >&2
	exit 1
fi
echo "installing:$missing $optional"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
if [ -n "$optional" ]; then
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		$optional >/dev/null 2>&1 ||
		echo "install-deps: could not install $optional; the browser tests will skip" >&2
fi
