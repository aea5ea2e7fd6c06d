#!/bin/sh
# A slot payload that does not fit its slot fails the build with both sizes and
# names the option to change; no disk image is left behind.
. "$TOPDIR/tests/lib/common.sh"
clone_build "$T/out"
if make --no-print-directory -C "$TOPDIR" O="$T/out" BERTH_SLOT_SIZE_MB=2 >"$T/out.log" 2>&1; then
	fail "the build succeeded with 2 MiB slots"
fi
cat "$T/out.log"
assert_contains "$T/out.log" "MiB, larger than a slot (2 MiB, BERTH_SLOT_SIZE_MB)"
[ ! -e "$T/out/images/disk.img" ] || fail "a disk.img was written"
[ ! -e "$T/out/images/disk.img.tmp" ] || fail "a partial disk.img.tmp was left"
