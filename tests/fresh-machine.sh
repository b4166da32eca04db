#!/bin/sh
# Runs the README's two quick-start commands, then .ci/run, on a Debian base
# system with nothing else installed: a `debootstrap --variant=minbase`
# chroot per run, holding a copy of this tree (tracked and untracked files,
# not the build). Needs root, debootstrap and the Debian mirror; takes a
# few minutes, most of it apt-get.
#
#   sh tests/fresh-machine.sh [WORKDIR] [SUITE]    (default: a temporary
#                                                   directory, bookworm)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
suite=${2:-bookworm}
mirror=${MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" = 0 ] || { echo "fresh-machine: needs root (chroot, mount)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "fresh-machine: needs debootstrap" >&2; exit 2; }

mkdir -p "$work"
if [ ! -x "$work/base/bin/sh" ]; then
	echo "== debootstrap --variant=minbase $suite"
	debootstrap --variant=minbase "$suite" "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
		{ tail -5 "$work/debootstrap.log"; exit 2; }
fi

mounted=
cleanup() {
	for m in $mounted; do umount "$m" 2>/dev/null || true; done
	mounted=
}
trap cleanup EXIT INT TERM

# run NAME COMMAND...: a fresh copy of the base system, the tree in /src,
# COMMAND run there by sh with a clean environment.
run() {
	name=$1
	shift
	root=$work/$name
	rm -rf "$root"
	cp -a "$work/base" "$root"
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	mkdir -p "$root/src"
	(cd "$top" && { git ls-files; git ls-files --others --exclude-standard; } |
		tar -cf - -T -) | tar -xf - -C "$root/src"
	mount -t proc proc "$root/proc" && mounted="$root/proc $mounted"
	mount --bind /dev "$root/dev" && mounted="$root/dev $mounted"
	mount --bind /dev/pts "$root/dev/pts" && mounted="$root/dev/pts $mounted"
	rc=0
	for cmd in "$@"; do
		echo "== $name: $cmd"
		chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 CI=true \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			/bin/sh -c "cd /src && $cmd" || rc=$?
		echo "== $name: exit $rc"
	done
	cleanup
	return $rc
}

status=0
# the sample has leaks flagged: exit 1 is its success
run readme 'sh scripts/install-deps.sh && make && ./gtriage samples/go1.19-panic-all-kubectl.log; [ $? = 1 ]' \
	'sh scripts/install-deps.sh && make check' || status=1
run ci 'bash .ci/run' || status=1
[ $status = 0 ] && echo "fresh-machine: every command passed" || echo "fresh-machine: FAILED"
exit $status
