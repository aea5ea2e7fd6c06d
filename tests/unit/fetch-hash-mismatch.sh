#!/bin/sh
# A mirror serving a changed file: the build stops naming the file, the expected
# and the actual sha256, and DL_DIR keeps nothing of it. A corrupted file already
# in DL_DIR is not trusted: it is fetched again.
. "$TOPDIR/tests/lib/common.sh"
src=$(awk '{print $1}' "$O/build/musl/.stamp_downloaded" 2>/dev/null)
[ -f "$src" ] || src=$DL_DIR/musl/musl-1.2.3.tar.gz
[ -f "$src" ] || skip "no musl tarball in DL_DIR (run make musl-source)"
want=7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4

mkdir -p "$T/mirror" "$T/dl"
cp "$src" "$T/mirror/musl-1.2.3.tar.gz"
printf 'X' | dd of="$T/mirror/musl-1.2.3.tar.gz" bs=1 seek=1000 conv=notrunc 2>/dev/null
bad=$(sha256sum "$T/mirror/musl-1.2.3.tar.gz" | cut -d' ' -f1)
fetch_musl "$T/out.log" "file://$T/mirror" && fail "make succeeded with a corrupted download"
assert_contains "$T/out.log" "hash mismatch for musl-1.2.3.tar.gz"
assert_contains "$T/out.log" "expected sha256: $want"
assert_contains "$T/out.log" "actual sha256:   $bad"
assert_dl_empty
[ ! -e "$T/out/build/musl/.stamp_downloaded" ] || fail "the download was marked done"

# Corrupted in DL_DIR: replaced by a good copy from the mirror.
mkdir -p "$T/good"
cp "$src" "$T/good/"
cp "$T/mirror/musl-1.2.3.tar.gz" "$T/dl/musl/"
fetch_musl "$T/out2.log" "file://$T/good" || { cat "$T/out2.log"; fail "refetch failed"; }
assert_contains "$T/out2.log" "does not match its pinned sha256; fetching it again"
cmp "$src" "$T/dl/musl/musl-1.2.3.tar.gz" || fail "DL_DIR still holds the corrupted file"
