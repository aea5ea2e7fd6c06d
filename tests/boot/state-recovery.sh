#!/bin/sh
# STATE that is not as the image made it, on copies of disk.img:
# 1. blank (zeroed): init makes a filesystem on it, and /var is on it;
# 2. damaged (not blank, not a filesystem): init says why on the console, /var
#    is a tmpfs with a warning, the system still comes up, and STATE is left
#    exactly as it was;
# 3. missing (its partition deleted): init makes it in the free space, with
#    its filesystem (ext4), and /var is on it;
# 4. due for a check (mounted 100 times, check every time): e2fsck -p checks
#    it before it is mounted;
# 5. with errors e2fsck -p does not repair alone (its root directory's inode
#    cleared): not mounted, the console says to run e2fsck by hand, /var is a
#    tmpfs.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
img=$IMAGES_DIR/disk.img
[ -f "$img" ] || fail "no $img: build first (make)"
state_start() {
	sfdisk -d "$1" | awk -F'[=, ]+' 'index($0, "name=\"STATE\"") { for (i = 1; i < NF; i++) if ($i == "start") print $(i + 1) }'
}
# var_from SOURCE TYPE: /var is mounted from SOURCE as TYPE; then power off.
var_from() {
	qemu_run 'grep " /var " /proc/mounts | sed "s/^/mnt: /"'
	assert_contains "$QEMU_OUT" "mnt: $1 /var $2 rw"
	qemu_send poweroff
	qemu_exit_wait 60
}
boot() {
	qemu_start -m 256 -drive "file=$1,if=virtio,format=raw"
	qemu_wait "berth: ready" 90
}

# 1. Blank.
cp --sparse=always "$img" "$T/blank.img"
start=$(state_start "$T/blank.img")
dd if=/dev/zero of="$T/blank.img" bs=512 seek="$start" count=2048 conv=notrunc status=none
boot "$T/blank.img"
assert_contains "$QEMU_OUT" "berth-init: STATE: /dev/vda5 is blank: making its filesystem"
var_from /dev/vda5 ext4

# 2. Damaged.
cp --sparse=always "$img" "$T/bad.img"
start=$(state_start "$T/bad.img")
# not blank, no filesystem's magic anywhere
yes 'not a filesystem' | head -c 1048576 > "$T/garbage"
dd if="$T/garbage" of="$T/bad.img" bs=512 seek="$start" conv=notrunc status=none
boot "$T/bad.img"
assert_contains "$QEMU_OUT" "berth-init: WARNING: /dev/vda5 (STATE) does not mount"
assert_contains "$QEMU_OUT" "/var is a tmpfs"
qemu_run 'grep -E " /var | /etc " /proc/mounts | sed "s/^/mnt: /"'
assert_contains "$QEMU_OUT" "mnt: tmpfs /var tmpfs rw"
assert_contains "$QEMU_OUT" "mnt: overlay /etc overlay rw"
qemu_send poweroff
qemu_exit_wait 60
dd if="$T/bad.img" bs=512 skip="$start" count=2048 status=none | cmp -s - "$T/garbage" ||
	fail "STATE was written to although it did not mount"
ok "the damaged STATE was left as it was"

# 3. Missing.
cp --sparse=always "$img" "$T/none.img"
sfdisk -q --delete "$T/none.img" 5 >/dev/null 2>&1 || fail "sfdisk --delete failed"
sfdisk -d "$T/none.img" | grep -q STATE && fail "STATE still in the table"
boot "$T/none.img"
assert_contains "$QEMU_OUT" "berth-init: STATE: made partition 5"
assert_contains "$QEMU_OUT" "berth-init: STATE: /dev/vda5 is blank: making its filesystem"
var_from /dev/vda5 ext4
sfdisk -d "$T/none.img" | grep -q 'name="STATE"' || fail "no STATE in the table after the boot"
start=$(state_start "$T/none.img")
dd if="$T/none.img" bs=512 skip="$start" count=4096 status=none > "$T/none.state"
dumpe2fs -h "$T/none.state" 2>/dev/null | grep -q "has_journal" || fail "the STATE made is not ext4 (no journal)"
ok "STATE made where it was missing, ext4"

# 4. Due for a check.
cp --sparse=always "$img" "$T/check.img"
start=$(state_start "$T/check.img")
size=$(sfdisk -d "$T/check.img" | sed -n 's/.*size= *\([0-9]*\), .*name="STATE".*/\1/p')
dd if="$T/check.img" of="$T/state.img" bs=512 skip="$start" count="$size" status=none
tune2fs -c 1 -C 100 "$T/state.img" >/dev/null || fail "tune2fs failed"
dd if="$T/state.img" of="$T/check.img" bs=512 seek="$start" conv=notrunc status=none
boot "$T/check.img"
assert_contains "$QEMU_OUT" "STATE has been mounted 100 times without being checked, check forced."
var_from /dev/vda5 ext4

# 5. Errors e2fsck -p leaves to a person.
cp --sparse=always "$img" "$T/broken.img"
start=$(state_start "$T/broken.img")
dd if="$T/broken.img" of="$T/state.img" bs=512 skip="$start" count="$size" status=none
# as the kernel leaves it when it finds an error: not clean, so e2fsck looks
debugfs -w -R "clri <2>" "$T/state.img" >/dev/null 2>&1 || fail "debugfs failed"
debugfs -w -R "ssv state 0" "$T/state.img" >/dev/null 2>&1 || fail "debugfs failed"
dd if="$T/state.img" of="$T/broken.img" bs=512 seek="$start" conv=notrunc status=none
boot "$T/broken.img"
assert_contains "$QEMU_OUT" "has errors e2fsck -p does not repair"
assert_contains "$QEMU_OUT" "run e2fsck /dev/vda5 by hand"
var_from tmpfs tmpfs
