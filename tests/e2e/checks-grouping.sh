# Sourced by run.sh after checks.sh: the grouper on hostile input. Inputs
# come from gen-groups.sh; a time check is a ratio against a control input
# of the same size and goroutine count, made and run in the same test.

gen=tests/e2e/gen-groups.sh

# timed LIMIT FILE: runs the binary on FILE for at most LIMIT seconds;
# sets $el (milliseconds) and $rc, the output goes to $tmp/timed.out.
# CPU time where GNU time is installed: other jobs on the machine then
# skew the ratio less than they skew the wall clock.
timed() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%U %S' -o "$tmp/cpu" \
			timeout "$1" "$bin" "$2" >"$tmp/timed.out" 2>&1
		rc=$?
		el=$(tail -n 1 "$tmp/cpu" | awk '{ printf "%d", ($1 + $2) * 1000 }')
	else
		t0=$(date +%s%N)
		timeout "$1" "$bin" "$2" >"$tmp/timed.out" 2>&1
		rc=$?
		el=$((($(date +%s%N) - t0) / 1000000))
	fi
}

# best LIMIT FILE: the best of three runs in $el; stops at a timeout.
best() {
	b=
	for _ in 1 2 3; do
		timed "$1" "$2"
		if [ $rc = 124 ]; then return; fi
		if [ -z "$b" ] || [ $el -lt $b ]; then b=$el; fi
	done
	el=$b
}

# ratio NAME HOSTILE CONTROL: the hostile input takes at most 3x the time
# of its control (best of three each; a hung run is cut at 10x).
ratio() {
	if [ "$(wc -c <"$2")" != "$(wc -c <"$3")" ]; then
		ko "$1" "inputs differ in size"
		return
	fi
	best 600 "$3"
	ctl=$el
	cp "$tmp/timed.out" "$tmp/control.out"
	best $((ctl / 100 + 2)) "$2"
	if [ $rc = 124 ]; then
		ko "$1" "still running after $((ctl / 100 + 2)) s, control ${ctl} ms"
	elif [ $el -le $((ctl * 3 + 20)) ]; then
		ok "$1: ${el} ms, control ${ctl} ms"
	else
		ko "$1" "${el} ms, control ${ctl} ms (> 3x)"
	fi
}

# Stacks that differ only where a sampling hash does not look.
sh $gen flood 40000 >"$tmp/flood.txt"
sh $gen spread 40000 >"$tmp/spread.txt"
ratio "hash flood: 40000 stacks alike in sampled bytes" "$tmp/flood.txt" "$tmp/spread.txt"
if grep -q ' 40000 goroutines, 40000 groups' "$tmp/timed.out"; then
	ok "hash flood: 40000 groups"
else
	ko "hash flood: 40000 groups" "$(head -n 1 "$tmp/timed.out")"
fi

# debug=1 records (one per request, by their labels) that take their
# category from a record of the same hidden frames: linear.
sh $gen hidden 80000 >"$tmp/hidden.txt"
sh $gen told 80000 >"$tmp/told.txt"
ratio "debug=1: 80000 labelled records inferred" "$tmp/hidden.txt" "$tmp/told.txt"
if grep -q '^  select  80001  100.0%' "$tmp/timed.out"; then
	ok "debug=1: every record takes the category"
else
	ko "debug=1: every record takes the category"
fi
rm -f "$tmp/flood.txt" "$tmp/spread.txt" "$tmp/hidden.txt" "$tmp/told.txt"

# A NUL byte in the state and labels: identical goroutines still group,
# the group is flagged, and it costs what any other byte costs.
sh $gen nul 200 '\000' >"$tmp/nul.txt"
"$bin" "$tmp/nul.txt" >"$tmp/out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q '200 goroutines, 1 group, 1 flagged' "$tmp/out"; then
	ok "NUL in state and labels: one flagged group"
else
	ko "NUL in state and labels" "exit $rc: $(head -n 1 "$tmp/out")"
fi
sh $gen nul 200000 '\000' >"$tmp/nul.txt"
sh $gen nul 200000 '_' >"$tmp/nonul.txt"
ratio "NUL in state and labels: 200000 goroutines" "$tmp/nul.txt" "$tmp/nonul.txt"
rm -f "$tmp/nul.txt" "$tmp/nonul.txt"
