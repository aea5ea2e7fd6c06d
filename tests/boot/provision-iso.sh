#!/bin/sh
# A ConfigDrive as OpenStack attaches it by default: an ISO 9660 image
# labelled config-2 (made by the test with xorriso) on QEMU's IDE CD-ROM. A
# NoCloud seed is there too, on a virtio disk the kernel finds first: the
# ConfigDrive wins (docs/provision.md's order), and its #cloud-config is
# applied.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/ssh.sh"
img=$IMAGES_DIR/disk.img
[ -f "$img" ] || fail "no $img: build first (make)"
command -v xorriso >/dev/null || fail "no xorriso (scripts/host-deps installs it)"
cp --sparse=always "$img" "$T/disk.img"
mkdir -p "$T/cd/openstack/latest"
cat > "$T/cd/openstack/latest/user_data" <<'EOT'
#cloud-config
hostname: from-cdrom
write_files:
  - path: /etc/from-cdrom
    content: "from the ISO 9660 drive\n"
EOT
printf '{"uuid": "iso-1", "hostname": "iso-meta"}\n' > "$T/cd/openstack/latest/meta_data.json"
xorriso -as mkisofs -quiet -V config-2 -J -R -o "$T/cd.iso" "$T/cd" 2>"$T/xorriso.log" ||
	{ cat "$T/xorriso.log"; fail "xorriso made no ISO image"; }
mkdir -p "$T/seed"
printf '#cloud-config\nhostname: from-nocloud\n' > "$T/seed/user-data"
config_drive "$T/seed" "$T/seed.img" cidata
qemu_start -m 384 -drive "file=$T/disk.img,if=virtio,format=raw" -drive "file=$T/seed.img,if=virtio,format=raw" \
	-cdrom "$T/cd.iso" \
	-netdev user,id=n0 -device virtio-net-pci,netdev=n0
qemu_wait "berth: ready" 120
grep -aqE "provision: configuration from /dev/sr0 \(ConfigDrive, iso9660\)" "$QEMU_OUT" ||
	{ qemu_run "ls /sys/class/block; dmesg | grep -i -e sr0 -e cdrom -e ata" 30; fail "the ConfigDrive on the CD-ROM was not used: $(grep -a 'provision:' "$QEMU_OUT" | tr -d '\r' | head -n 3)"; }
qemu_run 'echo "host: $(hostname)"; echo "file: $(cat /etc/from-cdrom)"' 30
[ "$(qemu_value host)" = from-cdrom ] || fail "the host name is '$(qemu_value host)'"
[ "$(qemu_value file)" = "from the ISO 9660 drive" ] || fail "/etc/from-cdrom holds '$(qemu_value file)'"
ok "a ConfigDrive on an ISO 9660 CD-ROM found and applied, before a NoCloud seed"
qemu_send poweroff
qemu_exit_wait 60
