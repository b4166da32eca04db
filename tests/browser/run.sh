#!/bin/sh
# Browser tests: the HTML pages opened in headless Chromium. Checks the
# rendered DOM (groups present, the filter working where script runs, no
# script or element injected from a hostile dump) and that the browser made
# no request for any page (its network log, with every host mapped to
# nowhere and a dead proxy, so nothing could leave even if asked). A control
# page that does ask for an image proves the log would show it.
# Screenshots, DOM dumps and a printed PDF are kept in build/browser/ for
# review.
#
#   GTRIAGE=build/rel/gtriage sh tests/browser/run.sh
# Skips (exit 0, with a message) when no Chromium is installed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=${GTRIAGE:-$top/gtriage}
case $bin in /*) ;; *) bin=$top/$bin ;; esac
cd "$top" || exit 2

chrome=
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then chrome=$c; break; fi
done
if [ -z "$chrome" ]; then
	echo "browser: SKIP: no chromium installed (apt-get install chromium)"
	exit 0
fi
out=$top/build/browser
rm -rf "$out" && mkdir -p "$out" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1${2:+: $2}"; fail=$((fail + 1)); }

# browse NAME URL-SUFFIX ARGS...: dump the DOM of out/NAME.html to
# out/NAME.dom and its network log to tmp/NAME.net.
browse() {
	name=$1 frag=$2
	shift 2
	# shellcheck disable=SC2086
	timeout 90 "$chrome" --headless --no-sandbox --disable-gpu \
		--user-data-dir="$tmp/profile" --no-first-run \
		--disable-background-networking --disable-component-update \
		--disable-sync --disable-default-apps --disable-extensions \
		--host-resolver-rules="MAP * ~NOTFOUND" \
		--proxy-server=127.0.0.1:9 --log-net-log="$tmp/$name.net" \
		"$@" "file://$out/$name.html$frag" >"$out/$name.dom" 2>"$tmp/$name.err"
}

# The URLs a page asked for: everything in the log but the browser's own
# update and account checks, which run whatever the page.
requests() {
	grep -o '"url":"[a-z]*://[^"]*"' "$tmp/$1.net" 2>/dev/null |
		grep -Ev '^"url":"https?://[^/"]*(google\.com|googleapis\.com|gvt1\.com)[/:"]' |
		sort -u
}

groups_in() { grep -o '<section class="grp[^>]*>' "$1" | wc -l; }
visible_in() { grep -o '<section class="grp[^>]*>' "$1" | grep -vc ' hidden'; }

series=samples/series/app-20261122T041249Z.txt
last=samples/series/app-20261122T041519Z.txt
"$bin" -f html samples/go1.26-panic-crash.txt >"$out/crash.html"
"$bin" -f html samples/go1.26-debug2.txt >"$out/debug2.html"
"$bin" -f html -v samples/go1.26-hostile-markup.txt >"$out/hostile.html"
"$bin" trend -f html samples/series >"$out/trend.html"
"$bin" diff -f html samples/go1.26-grow-1.txt samples/go1.26-debug2.txt >"$out/diff.html"
"$bin" diff -f html "$series" "$last" >"$out/diff-series.html"
printf '<!DOCTYPE html><p>control<img src="http://gtriage-control.invalid/x.png">\n' >"$out/control.html"

for p in crash debug2 hostile trend diff diff-series; do
	browse "$p" "" --screenshot="$out/$p.png" --window-size=1280,1600
	browse "$p" "" --dump-dom
	want=$(groups_in "$out/$p.html")
	got=$(visible_in "$out/$p.dom")
	if [ "$want" -gt 0 ] && [ "$got" = "$want" ]; then ok "$p: $got groups shown"; else ko "$p: groups shown" "$got of $want"; fi
	# the script ran: it shows the filter box it hides without script
	if grep -q '<div id="filter">' "$out/$p.dom"; then ok "$p: script ran"; else ko "$p: script ran" "filter box still hidden"; fi
	if [ "$(grep -o '<script' "$out/$p.dom" | wc -l)" = 1 ] &&
		! grep -Eq '<(img|iframe|object|embed|link|base)[ >/]' "$out/$p.dom" &&
		grep -q '<title>Goroutine [a-z]*: ' "$out/$p.dom"; then
		ok "$p: nothing injected"
	else
		ko "$p: nothing injected" "$(grep -Eo '<(script|img|iframe|title)[^>]*>[^<]{0,40}' "$out/$p.dom" | head -3)"
	fi
	r=$(requests "$p")
	if [ -z "$r" ] && [ -s "$tmp/$p.net" ]; then ok "$p: no request"; else ko "$p: no request" "$r"; fi
	[ -s "$out/$p.png" ] && ok "$p: screenshot" || ko "$p: screenshot"
done

# Printable: the crash page prints to PDF (kept for review; the style
# opens the folded frames in print).
timeout 90 "$chrome" --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
	--no-pdf-header-footer --print-to-pdf="$out/crash.pdf" "file://$out/crash.html" >/dev/null 2>&1
if [ "$(head -c 5 "$out/crash.pdf" 2>/dev/null)" = "%PDF-" ]; then ok "crash: prints to PDF"; else ko "crash: prints to PDF"; fi

# The hostile names and labels are on the page as text, and the document
# title (what their script would set) is the page's own.
if grep -Fq "catalog.&lt;script&gt;document.title='pwned'&lt;/script&gt;" "$out/hostile.dom" &&
	grep -Fq "&lt;svg/onload=" "$out/hostile.dom" &&
	grep -o '<title>[^<]*</title>' "$out/hostile.dom" | head -1 | grep -q '^<title>Goroutine triage: [^<]*hostile-markup.txt</title>$'; then
	ok "hostile: markup shown as text"
else
	ko "hostile: markup shown as text"
fi

# The filter, applied from the address (#filter=...) as when typed.
browse debug2 "#filter=cat:chan-send" --dump-dom
want=$(grep -c '<span class="cat">chan-send</span>' "$out/debug2.html")
got=$(visible_in "$out/debug2.dom")
all=$(groups_in "$out/debug2.html")
if [ "$want" -gt 0 ] && [ "$got" = "$want" ] && [ "$got" -lt "$all" ]; then
	ok "filter cat:chan-send shows $got of $all groups"
else
	ko "filter cat:chan-send" "$got shown, want $want of $all"
fi
browse debug2 "#filter=func:persistConn" --dump-dom
got=$(visible_in "$out/debug2.dom")
want=$(awk '/<section class="grp/ { s = 0 } /class="fn">[^<]*persistConn/ && !s { s = 1; n++ } END { print n + 0 }' "$out/debug2.html")
if [ "$want" -gt 0 ] && [ "$got" = "$want" ]; then ok "filter func:persistConn shows $got groups"; else ko "filter func:persistConn" "$got shown, want $want"; fi
browse hostile "#filter=label:tenant" --dump-dom
got=$(visible_in "$out/hostile.dom")
want=$(grep -c '<p class="lbl">[^<]*tenant' "$out/hostile.html")
if [ "$want" -gt 0 ] && [ "$got" = "$want" ]; then ok "filter label:tenant shows $got groups"; else ko "filter label:tenant" "$got shown, want $want"; fi

# The icicle zooms (as on a click; here from the address, #zoom=X,W,DEPTH)
# onto the widest frame under the root: it spans the width, the root stays
# above it, frames beside it are hidden, and its label grows back.
node=$(grep -o '<g class="f" data-x="[0-9]*" data-w="[0-9]*" data-d="1">' "$out/debug2.html" |
	awk -F'"' '{ print $6, $4 }' | sort -rn | head -1)
w=${node% *} x=${node#* }
browse debug2 "#zoom=$x,$w,1" --dump-dom
rect=$(grep -A1 "data-x=\"$x\" data-w=\"$w\" data-d=\"1\"" "$out/debug2.dom" | grep -o '<rect[^>]*>')
root=$(grep -A1 'data-d="0"' "$out/debug2.dom" | grep -o '<rect[^>]*>')
hidden=$(grep -c 'display: none' "$out/debug2.dom")
if [ -n "$w" ] && echo "$rect" | grep -q 'x="0.00" .*width="1200.00"' &&
	echo "$root" | grep -q 'width="1200.00"' && [ "$hidden" -gt 0 ]; then
	ok "icicle zoom onto $w goroutines: full width, $hidden frames beside it hidden"
else
	ko "icicle zoom" "rect '$rect', root '$root', $hidden hidden"
fi
if ! grep -q 'display: none' "$out/debug2.html"; then ok "icicle unzoomed without script"; else ko "icicle unzoomed without script"; fi

# The control: a page that asks for an image shows in the log.
browse control "" --dump-dom
if requests control | grep -q gtriage-control.invalid; then
	ok "control: a request shows in the network log"
else
	ko "control: a request shows in the network log" "the no-request checks above prove nothing"
fi

echo "browser: $pass passed, $fail failed (screenshots in build/browser/)"
[ $fail = 0 ]
