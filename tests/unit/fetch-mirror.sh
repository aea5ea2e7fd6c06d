#!/bin/sh
# Download order: upstream down -> the user's mirror (BERTH_MIRROR) serves the file,
# it is verified and lands in DL_DIR under its own name, with nothing else beside it.
. "$TOPDIR/tests/lib/common.sh"
src=$(awk '{print $1}' "$O/build/musl/.stamp_downloaded" 2>/dev/null)
[ -f "$src" ] || src=$DL_DIR/musl/musl-1.2.3.tar.gz
[ -f "$src" ] || skip "no musl tarball in DL_DIR to serve (run make musl-source)"

mkdir -p "$T/mirror/musl" "$T/dl"
cp "$src" "$T/mirror/musl/musl-1.2.3.tar.gz"
http_serve "$T/mirror"
fetch_musl "$T/out.log" "http://127.0.0.1:$HTTP_PORT" || { cat "$T/out.log"; fail "make musl-source failed"; }
assert_contains "$T/out.log" "Downloaded musl-1.2.3.tar.gz from http://127.0.0.1:$HTTP_PORT/musl/musl-1.2.3.tar.gz (sha256 ok)"
cmp "$src" "$T/dl/musl/musl-1.2.3.tar.gz" || fail "DL_DIR copy differs from the mirror's"
[ "$(ls -A "$T/dl/musl")" = musl-1.2.3.tar.gz ] || fail "DL_DIR holds more than the verified file: $(ls -A "$T/dl/musl")"

# A second run uses DL_DIR and needs no site at all.
kill $_http_pid
rm -f "$T/out/build/musl/.stamp_downloaded"
DL_DIR=$T/dl tmake musl-source MUSL_SITE=$DEAD_URL BERTH_DEBIAN_MIRROR=n >"$T/out2.log" 2>&1 ||
	{ cat "$T/out2.log"; fail "second make musl-source (from DL_DIR) failed"; }
assert_not_contains "$T/out2.log" "Downloaded"

# A flat mirror (files at its top) works too.
mkdir -p "$T/flat" "$T/dl2"
cp "$src" "$T/flat/"
rm -f "$T/out/build/musl/.stamp_downloaded"
DL_DIR=$T/dl2 tmake musl-source MUSL_SITE=$DEAD_URL BERTH_DEBIAN_MIRROR=n \
	BERTH_MIRROR=file://$T/flat >"$T/out3.log" 2>&1 || { cat "$T/out3.log"; fail "file:// mirror failed"; }
assert_contains "$T/out3.log" "from file://$T/flat/musl-1.2.3.tar.gz (sha256 ok)"
