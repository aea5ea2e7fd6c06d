#!/bin/sh
# A file found on no site: the build stops and lists every site it tried.
. "$TOPDIR/tests/lib/common.sh"
mkdir -p "$T/empty" "$T/dl"
fetch_musl "$T/out.log" "file://$T/empty" && fail "make succeeded with no site holding the file"
assert_contains "$T/out.log" "musl: musl-1.2.3.tar.gz was found on no site. Tried:"
assert_contains "$T/out.log" "$DEAD_URL/musl-1.2.3.tar.gz"
assert_contains "$T/out.log" "file://$T/empty/musl/musl-1.2.3.tar.gz"
assert_contains "$T/out.log" "file://$T/empty/musl-1.2.3.tar.gz"
assert_dl_empty

# A pin missing from the .hash file is refused before anything is downloaded.
if DL_DIR=$T/dl tmake musl-source MUSL_VERSION=1.2.2 >"$T/out2.log" 2>&1; then
	fail "make fetched a file that has no pinned hash"
fi
assert_contains "$T/out2.log" "has no sha256 line for musl-1.2.2.tar.gz"
