#!/bin/sh
# A slot payload that does not fit its slot fails the build with both sizes and
# names the option to change; the disk image of the last good build is left as it
# was, and no partial one beside it.
. "$TOPDIR/tests/lib/common.sh"
clone_build "$T/out"
before=$(sha256sum < "$T/out/images/disk.img")
if make --no-print-directory -C "$TOPDIR" O="$T/out" BERTH_SLOT_SIZE_MB=2 >"$T/out.log" 2>&1; then
	fail "the build succeeded with 2 MiB slots"
fi
cat "$T/out.log"
assert_contains "$T/out.log" "MiB, larger than a slot (2 MiB, BERTH_SLOT_SIZE_MB)"
[ "$(sha256sum < "$T/out/images/disk.img")" = "$before" ] || fail "disk.img was changed"
[ ! -e "$T/out/images/disk.img.tmp" ] || fail "a partial disk.img.tmp was left"
ok "the last good disk.img is untouched"
