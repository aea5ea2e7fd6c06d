#!/bin/sh
# A missing host tool. For a user who is not root: the check stops and prints the
# one command that installs it. For root on Debian: it installs it with apt-get,
# saying so (apt-get is a stand-in here that records what it was asked).
. "$TOPDIR/tests/lib/common.sh"
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null || skip "needs root and setpriv to act as another user"
# A PATH with every tool the check looks for, except bc.
mkdir -p "$T/bin"
tools=$(sed -n 's/^\([a-z0-9_.+-]*\):[a-z0-9.+-]*$/\1/p' "$TOPDIR/scripts/host-deps")
for t in $tools sort tr id dirname; do
	p=$(command -v "$t") && ln -s "$p" "$T/bin/$t"
done
rm -f "$T/bin/bc"
[ -e "$T/bin/bc" ] && fail "bc should be missing"
chmod 755 "$T" "$T/bin"
setpriv --reuid=65534 --regid=65534 --clear-groups env PATH="$T/bin" /bin/sh "$TOPDIR/scripts/host-deps" \
	>"$T/out.log" 2>&1 && fail "host-deps passed with bc missing"
assert_contains "$T/out.log" "error: missing host prerequisites: bc"
assert_contains "$T/out.log" "install them with:  sudo apt-get install bc"

# Root on Debian: apt-get is asked to install exactly what is missing.
mkdir -p "$T/fake"
cp -a "$T/bin/." "$T/fake/"
rm -f "$T/fake/apt-get"
cat > "$T/fake/apt-get" <<EOT
#!/bin/sh
echo "\$*" >> "$T/apt-calls"
EOT
chmod +x "$T/fake/apt-get"
env PATH="$T/fake" /bin/sh "$TOPDIR/scripts/host-deps" >"$T/root.log" 2>&1 || { cat "$T/root.log"; fail "host-deps as root failed"; }
assert_contains "$T/root.log" ">>> host: installing missing prerequisites: bc"
grep -qx "install -y -qq --no-install-recommends bc" "$T/apt-calls" || { cat "$T/apt-calls"; fail "apt-get was not asked to install bc alone"; }
ok "apt-get install bc"

# With everything there it is silent and quick.
env PATH="$PATH" "$TOPDIR/scripts/host-deps" >"$T/ok.log" 2>&1 || { cat "$T/ok.log"; fail "host-deps failed on this host"; }
[ ! -s "$T/ok.log" ] || fail "host-deps printed something with nothing missing: $(cat "$T/ok.log")"
