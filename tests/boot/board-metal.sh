#!/bin/sh
# configs/metal_x86_64_defconfig: the build (reusing this tree's packages; the
# kernel is the board's own, with server drivers) boots in QEMU through UEFI
# (OVMF) from an NVMe disk, with an e1000 NIC and its configuration on a USB
# stick (xHCI, usb-storage): SSH in, STATE on the NVMe disk, booted by UEFI.
# The same image, written by scripts/flash to an image file, boots through
# BIOS from a SATA (AHCI) disk.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/ssh.sh"
out=$T/out
clone_build "$out"
clone_src "$out" linux
m() { make --no-print-directory -C "$TOPDIR" O="$out" "$@"; }
m metal_x86_64_defconfig >"$T/def.log" 2>&1 || { cat "$T/def.log"; fail "metal_x86_64_defconfig failed"; }
m >"$T/build.log" 2>&1 || { tail -n 40 "$T/build.log"; fail "the metal build failed"; }
for o in CONFIG_BLK_DEV_NVME=y CONFIG_SATA_AHCI=y CONFIG_E1000E=y CONFIG_IGB=y CONFIG_IXGBE=y CONFIG_I40E=y \
	CONFIG_TIGON3=y CONFIG_BNXT=y CONFIG_USB_XHCI_HCD=y CONFIG_USB_STORAGE=y CONFIG_USB_UAS=y CONFIG_USB_HID=y \
	CONFIG_FB_EFI=y CONFIG_FRAMEBUFFER_CONSOLE=y CONFIG_VGA_CONSOLE=y; do
	assert_contains "$out/build/linux/obj/.config" "$o"
done
ssh_key
mkdir -p "$T/cd/openstack/latest"
printf '{"hostname": "metal", "public_keys": {"k": "%s"}}\n' "$(cat "$T/key.pub")" > "$T/cd/openstack/latest/meta_data.json"
config_drive "$T/cd" "$T/cd.img" config-2
SSH_PORT=$(free_ports 1)
net="-netdev user,id=n0,hostfwd=tcp:127.0.0.1:$SSH_PORT-:22 -device e1000,netdev=n0"

# The readme's steps, with the test's files and port.
cp --sparse=always "$out/images/disk.img" "$T/disk.img"
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$T/vars.fd"
readme_qemu "$TOPDIR/board/metal-x86_64/readme" nvme \
	"s|/tmp/metal.img|$T/disk.img|; s|/tmp/vars.fd|$T/vars.fd|; s|/tmp/config-2.img|$T/cd.img|; s|:2222-|:$SSH_PORT-|"
eval "set -- $READMEQ"
qemu_start "$@"
qemu_wait "berth: ready" 180
assert_contains "$QEMU_OUT" "provision: configuration from /dev/sda (ConfigDrive, vfat)"
ssh_wait 60 || fail "no SSH into the metal image (e1000)"
[ "$(ssh_run root 'grep " /var " /proc/mounts | cut -d" " -f1')" = /dev/nvme0n1p5 ] || fail "STATE is not on the NVMe disk"
[ "$(ssh_run root 'test -d /sys/firmware/efi && echo uefi')" = uefi ] || fail "not booted through UEFI"
ssh_run root cat /proc/cmdline > "$T/cmdline"
assert_contains "$T/cmdline" "console=tty0 console=ttyS0,115200"
# GRUB hands the kernel the firmware's framebuffer (GOP), so the screen shows
# the console through UEFI too: efifb, and the framebuffer console on it.
assert_not_contains "$QEMU_OUT" "blind mode"
ssh_run root cat /proc/fb > "$T/fb"
assert_contains "$T/fb" "EFI VGA"
ssh_run root 'cat /sys/class/vtconsole/vtcon*/name' > "$T/vtcon"
assert_contains "$T/vtcon" "frame buffer device"
ok "the metal image boots through UEFI from NVMe (the readme's QEMU line): serial console and the EFI framebuffer's, e1000 network, its configuration from a USB stick"
ssh_run root poweroff >/dev/null 2>&1 || true
qemu_exit_wait 60

# scripts/flash to an image file, then BIOS and a SATA disk (AHCI on q35).
"$TOPDIR/scripts/flash" -y "$out/images/disk.img" "$T/flashed.img" > "$T/flash.log" 2>&1 || { cat "$T/flash.log"; fail "scripts/flash failed"; }
assert_contains "$T/flash.log" "written and verified OK"
rm -f "$T/known_hosts"
# shellcheck disable=SC2086
qemu_start -m 384 -machine q35 -drive "file=$T/flashed.img,if=none,id=s0,format=raw" -device ide-hd,drive=s0,bus=ide.0 \
	-drive "file=$T/cd.img,if=none,id=s1,format=raw" -device ide-hd,drive=s1,bus=ide.1 $net
qemu_wait "berth: ready" 180
ssh_wait 60 || fail "no SSH into the flashed image"
[ "$(ssh_run root 'grep " /var " /proc/mounts | cut -d" " -f1')" = /dev/sda5 ] || fail "STATE is not on the SATA disk"
ok "the flashed image boots through BIOS from a SATA (AHCI) disk"
ssh_run root poweroff >/dev/null 2>&1 || true
qemu_exit_wait 60
