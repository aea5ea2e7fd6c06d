#!/bin/sh
# A missing host tool, for a user who is not root: the check stops and prints the
# one command that installs it (as root on Debian it would install it instead).
. "$TOPDIR/tests/lib/common.sh"
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null || skip "needs root and setpriv to act as another user"
# A PATH with every tool the check looks for, except bc.
mkdir -p "$T/bin"
for t in make gcc g++ ld bison flex perl python3 rsync cpio gzip xz bzip2 tar curl file \
	sha256sum kconfig-conf kconfig-mconf qemu-system-x86_64 ccache git apt-get sort tr id dirname; do
	p=$(command -v "$t") && ln -s "$p" "$T/bin/$t"
done
[ -e "$T/bin/bc" ] && fail "bc should be missing"
chmod 755 "$T" "$T/bin"
setpriv --reuid=65534 --regid=65534 --clear-groups env PATH="$T/bin" /bin/sh "$TOPDIR/scripts/host-deps" \
	>"$T/out.log" 2>&1 && fail "host-deps passed with bc missing"
assert_contains "$T/out.log" "error: missing host prerequisites: bc"
assert_contains "$T/out.log" "install them with:  sudo apt-get install bc"

# With everything there it is silent and quick.
env PATH="$PATH" "$TOPDIR/scripts/host-deps" >"$T/ok.log" 2>&1 || { cat "$T/ok.log"; fail "host-deps failed on this host"; }
[ ! -s "$T/ok.log" ] || fail "host-deps printed something with nothing missing: $(cat "$T/ok.log")"
