#!/bin/sh
# The kernel and initramfs boot in QEMU to the ready line on the serial console;
# the shell there runs commands; the kernel has what the image promises
# (cgroup v2 controllers, overlayfs, squashfs); poweroff ends QEMU cleanly.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
for f in bzImage rootfs.cpio.gz; do
	[ -f "$IMAGES_DIR/$f" ] || fail "no $IMAGES_DIR/$f: build first (make)"
done
qemu_start -m 256 -kernel "$IMAGES_DIR/bzImage" -initrd "$IMAGES_DIR/rootfs.cpio.gz" \
	-append "console=ttyS0,115200 panic=-1"
qemu_wait "berth: ready" 60
assert_contains "$QEMU_OUT" "Linux version 6.1."
version=$(sed -n 's/^VERSION_ID=//p' "$O/build/rootfs/usr/lib/os-release")
assert_contains "$QEMU_OUT" "berth: ready $version"

qemu_send 'echo "sum=$((40+2)) host=$(hostname)"'
qemu_wait "sum=42 host=berth" 20
qemu_send 'echo "ctl=$(cat /sys/fs/cgroup/cgroup.controllers | tr " " ,)"'
qemu_wait "ctl=" 20
for c in cpu io memory pids; do
	grep -q "ctl=.*$c" "$QEMU_OUT" || fail "cgroup v2 controller $c missing"
done
qemu_send 'grep -c -E "overlay|squashfs|ext4|vfat|iso9660" /proc/filesystems | sed "s/^/fs=/"'
qemu_wait "fs=5" 20
qemu_send 'poweroff'
qemu_exit_wait 30
