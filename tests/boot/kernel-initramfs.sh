#!/bin/sh
# The kernel and initramfs boot in QEMU to the ready line on the serial console;
# the shell there runs commands; the kernel has what the image promises
# (cgroup v2 controllers, overlayfs, squashfs); poweroff ends QEMU cleanly.
# QEMU runs with the command line from board/qemu-x86_64/readme, as a user would.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
for f in bzImage rootfs.cpio.gz; do
	[ -f "$IMAGES_DIR/$f" ] || fail "no $IMAGES_DIR/$f: build first (make)"
done
# The readme's line, with images/ where this build put them.
readme_qemu "$TOPDIR/board/qemu-x86_64/readme" images/bzImage "s|images/|$IMAGES_DIR/|g"
eval "set -- $READMEQ"
qemu_start "$@"
qemu_wait "berth: ready" 60
assert_contains "$QEMU_OUT" "Linux version 6.1."
version=$(sed -n 's/^VERSION_ID=//p' "$O/build/rootfs/usr/lib/os-release")
assert_contains "$QEMU_OUT" "berth: ready $version"

qemu_send 'echo "sum=$((40+2)) host=$(hostname)"'
qemu_wait "sum=42 host=berth" 20
# Each check prints a word its typed command line does not contain.
qemu_run 'for c in cpu io memory pids; do grep -qw $c /sys/fs/cgroup/cgroup.controllers && echo cgroup-has-$c; done'
for c in cpu io memory pids; do
	assert_contains "$QEMU_OUT" "cgroup-has-$c" "cgroup2 controllers"
done
qemu_run 'for f in overlay squashfs ext4 vfat iso9660; do grep -qw $f /proc/filesystems && echo fs-has-$f; done'
for f in overlay squashfs ext4 vfat iso9660; do
	assert_contains "$QEMU_OUT" "fs-has-$f" "/proc/filesystems"
done
qemu_send 'poweroff'
qemu_exit_wait 30
