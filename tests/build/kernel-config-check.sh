#!/bin/sh
# A kernel option a fragment requires but olddefconfig dropped (its dependency is
# missing) fails the configure step, naming the option, the fragment and its line.
. "$TOPDIR/tests/lib/common.sh"
if tmake linux-configure BERTH_LINUX_FRAGMENTS=tests/data/needs-drm.fragment >"$T/out.log" 2>&1; then
	fail "the kernel configured without CONFIG_DRM_BOCHS"
fi
assert_contains "$T/out.log" "kernel option CONFIG_DRM_BOCHS=y (required by $TOPDIR/tests/data/needs-drm.fragment:4) is not set in the final config"
assert_not_contains "$T/out.log" "CONFIG_SERIAL_8250=y (required"
assert_contains "$T/out.log" "1 required kernel option(s) missing"
[ ! -e "$T/out/build/linux/.stamp_configured" ] || fail "the configure step was stamped done"

# The same tree without the fragment configures (the base config is consistent).
tmake linux-configure >"$T/ok.log" 2>&1 || { tail -n 30 "$T/ok.log"; fail "the base kernel config does not configure"; }
assert_contains "$T/ok.log" "all 3 fragment(s) satisfied"
