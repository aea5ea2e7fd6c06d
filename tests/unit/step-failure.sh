#!/bin/sh
# A failing step: one progress line per step, then the last 30 lines of the
# package's log and the log's path, and a non-zero exit. V=1 shows the commands.
. "$TOPDIR/tests/lib/common.sh"
fails='echo first line of noise; seq 1 100; echo the-real-error >&2; exit 3'
if tmake musl "MUSL_CONFIGURE_CMDS=$fails" >"$T/out.log" 2>&1; then
	fail "make succeeded with a failing configure step"
fi
assert_contains "$T/out.log" ">>> musl 1.2.3 Extracting"
assert_contains "$T/out.log" ">>> musl 1.2.3 Configuring"
assert_contains "$T/out.log" "*** Failed (exit 3). Last 30 lines of $T/out/build/logs/musl.log:"
assert_contains "$T/out.log" "the-real-error"
assert_contains "$T/out.log" "*** Full log: $T/out/build/logs/musl.log"
assert_not_contains "$T/out.log" "first line of noise"
assert_contains "$T/out/build/logs/musl.log" "first line of noise"
[ ! -e "$T/out/build/musl/.stamp_configured" ] || fail "the failed step was stamped done"

tmake musl-configure V=1 "MUSL_CONFIGURE_CMDS=echo visible-output" >"$T/v.log" 2>&1 || fail "V=1 configure failed"
assert_contains "$T/v.log" "visible-output"
assert_contains "$T/v.log" "echo visible-output"
