#!/bin/sh
# With DL_DIR filled (make source), a build needs no network: musl is built from
# scratch in a network namespace that has no network at all.
. "$TOPDIR/tests/lib/common.sh"
[ "$(id -u)" = 0 ] && command -v unshare >/dev/null || skip "needs root and unshare for a network namespace"
unshare -n true 2>/dev/null || skip "cannot create a network namespace here"
tmake musl-source >"$T/src.log" 2>&1 || { cat "$T/src.log"; fail "make musl-source failed"; }
# Proof that the namespace is offline: a fetch from an empty DL_DIR fails.
if DL_DIR=$T/emptydl unshare -n make --no-print-directory -C "$TOPDIR" O="$T/out2" \
	busybox-source >"$T/neg.log" 2>&1; then
	fail "a download worked inside the offline namespace"
fi
assert_contains "$T/neg.log" "was found on no site"
unshare -n make --no-print-directory -C "$TOPDIR" O="$T/out" musl >"$T/build.log" 2>&1 ||
	{ cat "$T/build.log"; fail "offline make musl failed"; }
assert_contains "$T/build.log" ">>> musl 1.2.3 Installing"
[ -x "$T/out/build/host/bin/x86_64-berth-linux-musl-gcc" ] || fail "no musl compiler after the offline build"
