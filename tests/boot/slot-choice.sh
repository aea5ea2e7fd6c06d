#!/bin/sh
# GRUB's slot choice, on test copies of disk.img with ROOT-B filled:
# 1. B has a higher priority and one try, not yet successful: GRUB takes the try
#    (saved in grubenv) and boots B; on the next boot B has no tries left and is
#    skipped: A boots.
# 2. A cannot be loaded (its filesystem destroyed) and B, not yet successful but
#    with tries left, is bootable: GRUB falls back to B and takes one of its tries.
# 3. B has one byte changed in its root filesystem (the squashfs superblock's
#    time, which GRUB ignores): the kernel's dm-verity finds the block does not
#    match its hash on the first read and restarts the machine; B has no tries
#    left, and A boots.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
img=$IMAGES_DIR/disk.img
[ -f "$img" ] || fail "no $img: build first (make)"
# part_start DISK NAME: first byte of partition NAME.
part_start() {
	sfdisk -d "$1" | awk -F'[=, ]+' -v n="name=\"$2\"" 'index($0, n) { for (i = 1; i < NF; i++) if ($i == "start") print $(i + 1) * 512 }'
}
env_of() { "$TOPDIR/scripts/slot-env" "$1" | grep "^$2=" | cut -d= -f2; }
with_b() { # copy of the image with the slot image in ROOT-B too, and its verity parameters
	cp --sparse=always "$img" "$1"
	dd if="$IMAGES_DIR/slot.img" of="$1" bs=1M oflag=seek_bytes seek="$(part_start "$1" ROOT-B)" \
		conv=notrunc status=none
	"$TOPDIR/scripts/slot-env" "$1" $(for v in HASH SALT BLOCKS SECTORS VERSION; do
		printf 'BERTH_B_%s=%s ' "$v" "$(env_of "$1" "BERTH_A_$v")"; done)
}
boot_until_ready() { # DISK: boots it with make run, waits for the ready line, powers off
	qemu_make_run run RUN_DISK="$1"
	qemu_wait "berth: ready" 90
	qemu_send poweroff
	qemu_exit_wait 60
}
ran=$O/build/run/disk.img

# 1. Tries.
with_b "$T/tries.img"
"$TOPDIR/scripts/slot-env" "$T/tries.img" BERTH_B_PRIORITY=2 BERTH_B_TRIES=1 BERTH_B_SUCCESSFUL=0
boot_until_ready "$T/tries.img"
assert_contains "$QEMU_OUT" "berth: GRUB boots slot B"
assert_ready_slot B
[ "$(env_of "$ran" BERTH_B_TRIES)" = 0 ] || fail "GRUB did not save the try it took (BERTH_B_TRIES=$(env_of "$ran" BERTH_B_TRIES))"
ok "the try was taken and saved"
cp --sparse=always "$ran" "$T/tries2.img"
boot_until_ready "$T/tries2.img"
assert_contains "$QEMU_OUT" "berth: GRUB boots slot A"
assert_ready_slot A

# 2. Fallback.
with_b "$T/fallback.img"
"$TOPDIR/scripts/slot-env" "$T/fallback.img" BERTH_A_PRIORITY=2 BERTH_B_PRIORITY=1 BERTH_B_TRIES=3
dd if=/dev/zero of="$T/fallback.img" bs=1M count=8 oflag=seek_bytes seek="$(part_start "$T/fallback.img" ROOT-A)" \
	conv=notrunc status=none
boot_until_ready "$T/fallback.img"
assert_contains "$QEMU_OUT" "berth: GRUB boots slot A"
assert_contains "$QEMU_OUT" "berth: loading slot B"
[ "$(env_of "$ran" BERTH_B_TRIES)" = 2 ] || fail "the fallback slot kept its tries (BERTH_B_TRIES=$(env_of "$ran" BERTH_B_TRIES))"
ok "the fallback slot lost one try"
assert_ready_slot B

# 3. A changed byte under dm-verity.
with_b "$T/verity.img"
"$TOPDIR/scripts/slot-env" "$T/verity.img" BERTH_B_PRIORITY=2 BERTH_B_TRIES=1 BERTH_B_SUCCESSFUL=0
printf '\377' | dd of="$T/verity.img" bs=1 seek=$(( $(part_start "$T/verity.img" ROOT-B) + 8 )) conv=notrunc status=none
boot_until_ready "$T/verity.img"
assert_contains "$QEMU_OUT" "berth: loading slot B"
grep -aqE "device-mapper: verity: .*data block 0 is corrupted" "$QEMU_OUT" || fail "no dm-verity error for the changed block"
ok "dm-verity refused the changed block"
assert_ready_slot A
[ "$(grep -ac "berth: ready" "$QEMU_OUT")" = 1 ] || fail "slot B got to ready"
