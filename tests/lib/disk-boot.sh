# disk_boot_check TARGET FIRMWARE-NAME: boots images/disk.img with `make TARGET`
# (run or run-efi) and checks what a user of the fresh image sees: GRUB chose
# slot A, the system is up on it with / read-only from ROOT-A, and the image
# itself was not written to.
disk_boot_check() {
	img=$IMAGES_DIR/disk.img
	[ -f "$img" ] || fail "no $img: build first (make)"
	before=$(sha256sum "$img")
	qemu_make_run "$1"
	qemu_wait "berth: GRUB boots slot A" 90
	qemu_wait "berth: ready" 90
	assert_ready_slot A
	qemu_run 'grep " / " /proc/mounts | sed "s/^/root-mount: /"'
	assert_contains "$QEMU_OUT" "root-mount: /dev/root / squashfs ro"
	qemu_run 'touch /probe 2>/dev/null || echo root-is-read-""only'
	assert_contains "$QEMU_OUT" "root-is-read-only"
	# / is the dm-verity device root-A, over the partition ROOT-A.
	qemu_run 'd=/sys/dev/block/$(mountpoint -d /); echo "root-dm: $(cat $d/dm/name) over $(grep PARTNAME $d/slaves/*/uevent)"'
	assert_contains "$QEMU_OUT" "root-dm: root-A over PARTNAME=ROOT-A"
	qemu_send 'poweroff'
	qemu_exit_wait 60
	[ "$(sha256sum "$img")" = "$before" ] || fail "$img changed: make $1 must boot a copy"
	ok "$2 boot of a copy; the image is unchanged"
}
