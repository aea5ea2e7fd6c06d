#!/bin/sh
# The QEMU line for the disk in board/qemu-x86_64/readme boots, as a user would
# type it (with this build's images/ and a scratch copy of the disk).
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
readme=$TOPDIR/board/qemu-x86_64/readme
grep -q '^    cp images/disk.img /tmp/berth.img$' "$readme" || fail "no copy line before the disk's QEMU line in $readme"
cp --sparse=always "$IMAGES_DIR/disk.img" "$T/berth.img"
readme_qemu "$readme" berth.img "s|/tmp/berth.img|$T/berth.img|g"
eval "set -- $READMEQ"
qemu_start "$@"
qemu_wait "berth: ready" 90
assert_ready_slot A
qemu_send poweroff
qemu_exit_wait 60
