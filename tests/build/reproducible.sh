#!/bin/sh
# Image assembly is deterministic: assembled twice from the same packages (the
# root filesystem staged afresh, every image packed again), rootfs.squashfs,
# disk.img and rootfs.cpio.gz are byte-identical. Ownership in the archives is
# root's, whoever built them.
. "$TOPDIR/tests/lib/common.sh"
files="rootfs.squashfs slot.img disk.img rootfs.cpio.gz"
assemble() {
	rm -f "$O/build/.stamp_rootfs"
	make --no-print-directory -C "$TOPDIR" O="$O" >"$T/out.log" 2>&1 || { cat "$T/out.log"; fail "make failed"; }
	assert_contains "$T/out.log" "Assembling disk.img"
}
assemble
for f in $files; do
	cp --sparse=always "$IMAGES_DIR/$f" "$T/$f"
done
sleep 1 # a second later: any timestamp not taken from SOURCE_DATE_EPOCH would show
assemble
for f in $files; do
	cmp "$T/$f" "$IMAGES_DIR/$f" || fail "$f differs between two assemblies"
	ok "$f identical ($(du -h --apparent-size "$IMAGES_DIR/$f" | cut -f1))"
done
gzip -dc "$IMAGES_DIR/rootfs.cpio.gz" | cpio -t -v --quiet 2>/dev/null | awk '$3 != "root" || $4 != "root"' > "$T/owners"
[ ! -s "$T/owners" ] || { head "$T/owners"; fail "files not owned by root in the cpio"; }
unsquashfs -lln "$IMAGES_DIR/rootfs.squashfs" 2>/dev/null | awk 'NR > 3 && $2 != "0/0"' > "$T/sqowners"
[ ! -s "$T/sqowners" ] || { head "$T/sqowners"; fail "files not owned by root in the squashfs"; }
ok "every entry owned by root"
