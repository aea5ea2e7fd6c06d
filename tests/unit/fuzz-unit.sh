#!/bin/sh
# The unit file fuzz target (libFuzzer with AddressSanitizer and UBSan) runs for
# a short while without finding a crash, leak or undefined behaviour.
# `make fuzz FUZZ_SECONDS=N` runs it for as long as asked.
. "$TOPDIR/tests/lib/common.sh"
make --no-print-directory -C "$TOPDIR" O="$O" fuzz FUZZ_SECONDS=10 >"$T/out.log" 2>&1 ||
	{ cat "$T/out.log"; tail -n 40 "$O/build/fuzz/fuzz-unit.log"; fail "the fuzzer found a problem (see above)"; }
cat "$T/out.log"
assert_contains "$T/out.log" "stat::number_of_executed_units"
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$O/build/fuzz/fuzz-unit.log")
[ "${runs:-0}" -gt 1000 ] || fail "the fuzzer ran only ${runs:-0} inputs"
ok "$runs inputs"
