#!/bin/sh
# End-to-end tests: run the built binary over samples/ and compare stdout,
# stderr and the exit status with reviewed expected output.
#
#   GTRIAGE=./gtriage sh tests/e2e/run.sh           run every case
#   GTRIAGE=./gtriage sh tests/e2e/run.sh --update  rewrite the expected files
#                                                   (review the diff!)
# Cases are lines of tests/e2e/cases: NAME EXIT ARGS... ("<" FILE feeds stdin).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${GTRIAGE:-$top/gtriage}
case $bin in /*) ;; *) bin=$top/$bin ;; esac
update=0
[ "${1:-}" = "--update" ] && update=1
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$top" || exit 2
export NO_COLOR=1 LC_ALL=C.UTF-8
unset GTRIAGE_RULES

while read -r name want args; do
	case $name in ''|'#'*) continue ;; esac
	exp=$here/expected/$name.out
	# shellcheck disable=SC2086
	eval "\"\$bin\" $args" >"$tmp/out" 2>"$tmp/err"
	got=$?
	{ cat "$tmp/out"; sed 's/^/stderr: /' "$tmp/err"; echo "exit: $got"; } >"$tmp/all"
	if [ $update = 1 ]; then
		cp "$tmp/all" "$exp"
	fi
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: exit $got, want $want"
		sed 's/^/    /' "$tmp/err" | head -5
		fail=$((fail + 1))
	elif [ ! -f "$exp" ]; then
		echo "FAIL $name: no expected output $exp (run with --update and review)"
		fail=$((fail + 1))
	elif ! diff -u "$exp" "$tmp/all" >"$tmp/diff"; then
		echo "FAIL $name: output differs from $exp"
		head -40 "$tmp/diff" | sed 's/^/    /'
		fail=$((fail + 1))
	else
		echo "PASS $name"
		pass=$((pass + 1))
	fi
done <"$here/cases"

# Behaviour that is not one golden file.
. "$here/checks.sh"
. "$here/checks-grouping.sh"
. "$here/ci-checks.sh"
. "$here/checks-shapes.sh"
. "$here/checks-heap.sh"
. "$here/checks-threads.sh"
. "$here/checks-fast.sh"

echo "e2e: $pass passed, $fail failed"
[ $fail = 0 ]
