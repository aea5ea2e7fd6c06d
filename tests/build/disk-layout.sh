#!/bin/sh
# The partition table and slot state of a fresh disk.img, read with standard
# tools: GPT with BIOS-BOOT, EFI-SYSTEM, ROOT-A, ROOT-B, STATE (labels, types,
# sizes from the configuration); the ESP holds GRUB for UEFI at the removable-
# media path; ROOT-A holds the slot payload; ROOT-B is empty and unbootable;
# STATE is an empty ext4.
. "$TOPDIR/tests/lib/common.sh"
img=$IMAGES_DIR/disk.img
[ -f "$img" ] || fail "no $img"
eval "$(make --no-print-directory -C "$TOPDIR" O="$O" printvars \
	VARS='BERTH_SLOT_SIZE_MB BERTH_ESP_SIZE_MB BERTH_STATE_SIZE_MB' | sed "s/=\(.*\)/='\1'/")"
sfdisk -d "$img" > "$T/table"
cat "$T/table"
assert_contains "$T/table" "label: gpt"
# name type size(MiB): one line per partition, in order.
expect="BIOS-BOOT 21686148-6449-6E6F-744E-656564454649 1
EFI-SYSTEM C12A7328-F81F-11D2-BA4B-00A0C93EC93B $BERTH_ESP_SIZE_MB
ROOT-A 4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709 $BERTH_SLOT_SIZE_MB
ROOT-B 4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709 $BERTH_SLOT_SIZE_MB
STATE 0FC63DAF-8483-4772-8E79-3D69D8477DE4 $BERTH_STATE_SIZE_MB"
got=$(sed -n 's/.*size= *\([0-9]*\), type=\([^,]*\),.*name="\([^"]*\)".*/\3 \2 \1/p' "$T/table" |
	awk '{ print $1, $2, $3 / 2048 }')
[ "$got" = "$expect" ] || { printf 'got:\n%s\nexpected:\n%s\n' "$got" "$expect"; fail "partition table differs"; }
ok "partitions: labels, types and sizes"

start() { awk -F'[=, ]+' -v n="name=\"$1\"" 'index($0, n) { for (i = 1; i < NF; i++) if ($i == "start") print $(i + 1) }' "$T/table"; }
part() { dd if="$img" of="$T/$1.img" bs=512 skip="$(start "$1")" count="$2" status=none; }

# ESP: vfat labelled BERTH-ESP, with GRUB's UEFI image, config and environment.
export MTOOLS_SKIP_CHECK=1
esp="$img@@$(( $(start EFI-SYSTEM) * 512 ))"
mdir -/ -b -i "$esp" :: > "$T/esp.txt" || fail "the ESP is not a FAT filesystem"
for f in ::/EFI/BOOT/BOOTX64.EFI ::/boot/grub/grub.cfg ::/boot/grub/grubenv; do
	assert_contains "$T/esp.txt" "$f" "ESP"
done
minfo -i "$esp" :: | grep -q 'volume label: BERTH-ESP' || minfo -i "$esp" :: | grep -qi 'BERTH-ESP' ||
	fail "the ESP is not labelled BERTH-ESP"
mcopy -n -i "$esp" ::/EFI/BOOT/BOOTX64.EFI "$T/boot.efi"
file "$T/boot.efi" | grep -q "PE32+ executable (EFI application) x86-64" || fail "BOOTX64.EFI is not an x86-64 EFI application: $(file "$T/boot.efi")"
ok "BOOTX64.EFI is an x86-64 EFI application"

# The slot table: A good, B unbootable.
"$TOPDIR/scripts/slot-env" "$img" > "$T/env"
for kv in BERTH_A_PRIORITY=1 BERTH_A_SUCCESSFUL=1 BERTH_B_PRIORITY=0 BERTH_B_SUCCESSFUL=0 BERTH_B_TRIES=0; do
	grep -qx "$kv" "$T/env" || { cat "$T/env"; fail "slot table: expected $kv"; }
done
ok "slot table: A good, B unbootable"

# ROOT-A holds the slot image: the squashfs, padded to 4 KiB, then its hash
# tree, whose root hash is in the slot table; ROOT-B is all zeros.
size=$(stat -c %s "$IMAGES_DIR/slot.img")
part ROOT-A $(( (size + 511) / 512 ))
cmp -n "$size" "$T/ROOT-A.img" "$IMAGES_DIR/slot.img" || fail "ROOT-A does not hold slot.img"
sq=$(stat -c %s "$IMAGES_DIR/rootfs.squashfs")
cmp -n "$sq" "$IMAGES_DIR/slot.img" "$IMAGES_DIR/rootfs.squashfs" || fail "slot.img does not start with rootfs.squashfs"
ok "ROOT-A holds the slot image"
blocks=$(sed -n 's/^BERTH_A_BLOCKS=//p' "$T/env") hash=$(sed -n 's/^BERTH_A_HASH=//p' "$T/env")
salt=$(sed -n 's/^BERTH_A_SALT=//p' "$T/env")
[ "$(sed -n 's/^BERTH_A_SECTORS=//p' "$T/env")" = $((blocks * 8)) ] || fail "BERTH_A_SECTORS is not 8 x BERTH_A_BLOCKS"
[ "$blocks" = $(( (sq + 4095) / 4096 )) ] || fail "BERTH_A_BLOCKS=$blocks for a squashfs of $sq bytes"
veritysetup verify --no-superblock --hash-offset=$((blocks * 4096)) --data-blocks="$blocks" --salt="$salt" \
	"$T/ROOT-A.img" "$T/ROOT-A.img" "$hash" || fail "ROOT-A does not verify against the root hash in the slot table"
printf 'x' | dd of="$T/ROOT-A.img" bs=1 seek=$((sq / 2)) conv=notrunc status=none
! veritysetup verify --no-superblock --hash-offset=$((blocks * 4096)) --data-blocks="$blocks" --salt="$salt" \
	"$T/ROOT-A.img" "$T/ROOT-A.img" "$hash" 2>/dev/null || fail "a changed byte in ROOT-A still verifies"
ok "ROOT-A verifies against the slot table's root hash (and a changed byte does not)"
part ROOT-B $((BERTH_SLOT_SIZE_MB * 2048))
[ "$(tr -d '\0' < "$T/ROOT-B.img" | head -c 1 | wc -c)" = 0 ] || fail "ROOT-B is not empty"
ok "ROOT-B is empty"
unsquashfs -l "$IMAGES_DIR/rootfs.squashfs" > "$T/files" 2>/dev/null
assert_contains "$T/files" "squashfs-root/boot/bzImage"
assert_contains "$T/files" "squashfs-root/bin/busybox"

part STATE $((BERTH_STATE_SIZE_MB * 2048))
dumpe2fs -h "$T/STATE.img" > "$T/state.txt" 2>/dev/null || fail "STATE is not ext2/3/4"
assert_contains "$T/state.txt" "Filesystem volume name:   STATE"
assert_contains "$T/state.txt" "extent"

# The qcow2 holds the same disk.
qemu-img compare -f raw -F qcow2 "$img" "$IMAGES_DIR/disk.qcow2" || fail "disk.qcow2 differs from disk.img"
ok "disk.qcow2 matches disk.img"
