#!/bin/sh
# disk.img boots through SeaBIOS and GRUB (i386-pc) into slot A (make run).
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/disk-boot.sh"
disk_boot_check run BIOS
