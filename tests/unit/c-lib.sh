#!/bin/sh
# Berth's C library (src/lib), built in the host flavour (AddressSanitizer and
# UndefinedBehaviorSanitizer on) with its unit tests from tests/c, which must all
# pass with no sanitizer report.
. "$TOPDIR/tests/lib/common.sh"
make --no-print-directory -C "$TOPDIR" O="$O" host-tests >"$T/build.log" 2>&1 ||
	{ cat "$T/build.log"; fail "building the host tests failed"; }
n=0
for t in $(cat "$O/build/host-tests/list"); do
	"$t" >"$T/run.log" 2>&1 || { cat "$T/run.log"; fail "$(basename "$t") failed"; }
	cat "$T/run.log"
	grep -q ", 0 failed" "$T/run.log" || fail "$(basename "$t") reported failures"
	n=$((n + 1))
done
[ $n -ge 3 ] || fail "only $n C test programs ran"
ok "$n C test programs passed"
