#!/bin/sh
# With DL_DIR filled by `make source`, a build needs neither network nor root:
# musl is built from scratch as an unprivileged user in a network namespace that
# has no network at all.
. "$TOPDIR/tests/lib/common.sh"
[ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v setpriv >/dev/null ||
	skip "needs root, unshare and setpriv for a network namespace and a plain user"
unshare -n true 2>/dev/null || skip "cannot create a network namespace here"
tmake source >"$T/src.log" 2>&1 || { cat "$T/src.log"; fail "make source failed"; }
for p in musl busybox linux; do
	[ -s "$T/out/build/$p/.stamp_downloaded" ] || fail "make source did not fetch $p"
done
ok "make source fetched and verified every package"

# The plain user gets its own copy of what it needs, readable and writable.
mkdir -p "$T/dl/musl" "$T/neg" "$T/user"
cp "$(cut -d' ' -f1 "$T/out/build/musl/.stamp_downloaded")" "$T/dl/musl/"
chmod 755 "$T"
chown -R 65534:65534 "$T/dl" "$T/neg" "$T/user"
asuser() {
	unshare -n setpriv --reuid=65534 --regid=65534 --clear-groups \
		env HOME="$T" DL_DIR="$T/dl" CCACHE_DISABLE=1 "$@"
}
# Proof that the namespace is offline: a fetch of a file not in DL_DIR fails.
asuser make --no-print-directory -C "$TOPDIR" O="$T/neg" busybox-source >"$T/neg.log" 2>&1 &&
	fail "a download worked inside the offline namespace"
assert_contains "$T/neg.log" "was found on no site"
asuser make --no-print-directory -C "$TOPDIR" O="$T/user" musl >"$T/build.log" 2>&1 ||
	{ cat "$T/build.log"; fail "offline, unprivileged make musl failed"; }
assert_contains "$T/build.log" ">>> musl 1.2.3 Installing"
[ -x "$T/user/build/host/bin/x86_64-berth-linux-musl-gcc" ] || fail "no musl compiler after the build"
[ "$(stat -c %u "$T/user/build/host/sysroot/lib/libc.a")" = 65534 ] || fail "the build did not run as the plain user"
