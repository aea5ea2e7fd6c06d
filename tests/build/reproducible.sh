#!/bin/sh
# Assembling the rootfs again from the same inputs gives the same bytes.
. "$TOPDIR/tests/lib/common.sh"
img=$IMAGES_DIR/rootfs.cpio.gz
[ -f "$img" ] || fail "no $img"
cp "$img" "$T/first.cpio.gz"
rm -f "$img"
make --no-print-directory -C "$TOPDIR" O="$O" rootfs >"$T/out.log" 2>&1 || { cat "$T/out.log"; fail "make rootfs failed"; }
cmp "$T/first.cpio.gz" "$img" || fail "rootfs.cpio.gz differs between two assemblies"
ok "rootfs.cpio.gz identical ($(wc -c < "$img") bytes)"
# Ownership is root's in the archive, whoever built it.
gzip -dc "$img" | cpio -t -v --quiet 2>/dev/null | awk '$3 != "root" || $4 != "root"' > "$T/owners"
[ ! -s "$T/owners" ] || { head "$T/owners"; fail "files not owned by root in the archive"; }
ok "every entry owned by root"
