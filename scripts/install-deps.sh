#!/bin/sh
# Installs what gtriage needs to build and test on Debian or Ubuntu, from
# a base system with nothing else (no make, no compiler): make and the
# compiler (build-essential), pkg-config, PCRE2, uthash, jansson, zlib,
# libcurl, protobuf-c (library and code generator), cmocka, GNU time for
# the benchmark, python3 with jsonschema for the SARIF schema check, and a
# Go toolchain for the live tests (Debian's golang-go unless a Go is
# already on PATH). Needs only sh and apt-get; runs apt-get as root, or
# through sudo.
set -eu
pkgs="build-essential pkg-config libpcre2-dev uthash-dev libjansson-dev
zlib1g-dev libcurl4-openssl-dev libprotobuf-c-dev protobuf-c-compiler
libcmocka-dev time ca-certificates python3 python3-jsonschema"
command -v go >/dev/null 2>&1 || pkgs="$pkgs golang-go"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	echo "install-deps: need root to install:$missing" >&2
	exit 1
fi
echo "installing:$missing"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
