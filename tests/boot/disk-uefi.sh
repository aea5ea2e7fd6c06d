#!/bin/sh
# disk.img boots through OVMF and GRUB (x86_64-efi, EFI/BOOT/BOOTX64.EFI) into
# slot A (make run-efi).
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/disk-boot.sh"
disk_boot_check run-efi UEFI
