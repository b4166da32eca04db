#!/bin/sh
# Prints the path of a Go toolchain: `go` on PATH, else Debian's Go 1.19,
# else installs Debian's golang-go when running as root. Exits 1 if none.
if command -v go >/dev/null 2>&1; then
	command -v go
	exit 0
fi
for g in /usr/lib/go-1.19/bin/go /usr/lib/go/bin/go /usr/local/go/bin/go; do
	[ -x "$g" ] && { echo "$g"; exit 0; }
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null 2>&1 &&
		command -v go && exit 0
fi
echo "no Go toolchain found (apt-get install golang-go)" >&2
exit 1
