#!/bin/sh
# A pinned version that no reachable site has any more (Debian's security updates
# replace kernel versions): the error names the versions the archive has and how
# to move the pin.
. "$TOPDIR/tests/lib/common.sh"
command -v apt-get >/dev/null || skip "no apt-get on this host"
mkdir -p "$T/dl"
printf 'sha256  %s  linux-6.1.1.tar.xz\n' 0000000000000000000000000000000000000000000000000000000000000000 > "$T/linux.hash"
if DL_DIR=$T/dl "$TOPDIR/scripts/fetch" linux 6.1.1 linux-6.1.1.tar.xz "$DEAD_URL" "$T/linux.hash" \
	linux "$T/apt" "$T/stamp" >"$T/out.log" 2>&1; then
	fail "fetch of a superseded version succeeded"
fi
cat "$T/out.log"
ls "$T/apt/lists/"*Sources* >/dev/null 2>&1 || skip "the Debian archive's source lists are not reachable from here"
assert_contains "$T/out.log" "linux-6.1.1.tar.xz was found on no site"
assert_contains "$T/out.log" "linux 6.1.1 is not in the Debian source archive"
grep -q "Versions the archive has:.* 6\.1\.[0-9]" "$T/out.log" || fail "no 6.1 versions listed"
assert_contains "$T/out.log" "set the version in package/linux/linux.mk"
[ ! -e "$T/stamp" ] || fail "a stamp was written"
