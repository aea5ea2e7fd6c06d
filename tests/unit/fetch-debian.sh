#!/bin/sh
# The Debian source archive as a mirror: with upstream down and no mirror of the
# user's, busybox comes from Debian's byte-identical orig tarball, found through a
# private apt configuration; /etc/apt is left as it was.
. "$TOPDIR/tests/lib/common.sh"
command -v apt-get >/dev/null || skip "no apt-get on this host"
etc_before=$(find /etc/apt -type f -exec sha256sum {} + 2>/dev/null | sort)
mkdir -p "$T/dl"
if ! DL_DIR=$T/dl tmake busybox-source BUSYBOX_SITE=$DEAD_URL >"$T/out.log" 2>&1; then
	cat "$T/out.log"
	# Skipped only when apt could not fetch the archive's source lists at all.
	ls "$T/out/build/apt/lists/"*Sources* >/dev/null 2>&1 || skip "the Debian archive is not reachable from here"
	fail "make busybox-source failed"
fi
assert_contains "$T/out.log" "Downloaded busybox-1.35.0.tar.bz2 from"
assert_contains "$T/out.log" "busybox_1.35.0.orig.tar.bz2 (sha256 ok)"
echo "faeeb244c35a348a334f4a59e44626ee870fb07b6884d68c10ae8bc19f83a694  $T/dl/busybox/busybox-1.35.0.tar.bz2" |
	sha256sum -c - || fail "the file in DL_DIR does not have the pinned hash"
[ -f "$T/out/build/apt/apt.conf" ] || fail "no private apt configuration in the build directory"
etc_after=$(find /etc/apt -type f -exec sha256sum {} + 2>/dev/null | sort)
[ "$etc_before" = "$etc_after" ] || fail "/etc/apt was modified"
ok "/etc/apt unchanged"

# A repack whose Debian version marks it (zlib's 1:1.2.13.dfsg-1) counts as
# upstream's 1.2.13, and its orig is taken under the name it is pinned by.
if ! DL_DIR=$T/dl tmake zlib-source ZLIB_SITE=$DEAD_URL >"$T/zlib.log" 2>&1; then
	cat "$T/zlib.log"
	fail "make zlib-source failed"
fi
assert_contains "$T/zlib.log" "Downloaded zlib_1.2.13.dfsg.orig.tar.bz2 from"
assert_contains "$T/zlib.log" "zlib_1.2.13.dfsg.orig.tar.bz2 (sha256 ok)"
[ -f "$T/dl/zlib/zlib_1.2.13.dfsg.orig.tar.bz2" ] || fail "the orig is not in DL_DIR under its own name"
