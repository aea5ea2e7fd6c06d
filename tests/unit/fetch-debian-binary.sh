#!/bin/sh
# Debian binary packages as sources (runc's Go modules): each .deb pinned in
# the package's .hash comes from Debian's archive through a private apt
# configuration of its own (Types: deb, its own lists), /etc/apt untouched;
# Debian's source and its packaging (the .debian.tar.xz, asked for by name)
# come from the source archive; the download stamp and so the manifest list
# every file. The extract step applies Debian's patches, in its series' order.
# Once in DL_DIR they are used from there, with the archive off. A .deb that
# does not match its pin is refused and not kept. And a Debian native source
# package (ca-certificates: no orig tarball).
. "$TOPDIR/tests/lib/common.sh"
command -v apt-get >/dev/null || skip "no apt-get on this host"
etc_before=$(find /etc/apt -type f -exec sha256sum {} + 2>/dev/null | sort)
mkdir -p "$T/dl"
if ! DL_DIR=$T/dl tmake runc-source ca-certificates-source >"$T/out.log" 2>&1; then
	cat "$T/out.log"
	ls "$T/out/build/apt-deb/lists/"*Packages* >/dev/null 2>&1 || skip "the Debian archive is not reachable from here"
	fail "make runc-source ca-certificates-source failed"
fi
cat "$T/out.log"
pins=$TOPDIR/package/runc/runc.hash
for f in $(awk '$1 == "sha256" { print $3 }' "$pins"); do
	assert_contains "$T/out.log" "Downloaded $f from"
	grep -q " $(awk -v f="$f" '$3 == f { print $2 }' "$pins") $f\$" "$T/out/build/runc/.stamp_downloaded" ||
		fail "the download stamp does not list $f with its pin"
done
[ "$(wc -l < "$T/out/build/runc/.stamp_downloaded")" = "$(grep -c '^sha256' "$pins")" ] ||
	fail "the stamp does not list exactly the pinned files"
(cd "$T/dl/runc" && awk '$1 == "sha256" { print $2 "  " $3 }' "$pins" | sha256sum -c -) ||
	fail "DL_DIR does not hold the pinned files"
grep -qx 'Types: deb' "$T/out/build/apt-deb/sources.list.d/"*.sources 2>/dev/null ||
	grep -q '^deb ' "$T/out/build/apt-deb/sources.list.d/"*.list 2>/dev/null || fail "no deb entries in build/apt-deb"
assert_contains "$T/out/build/apt-deb/apt.conf" 'APT::Architecture "amd64";'
assert_contains "$T/out.log" "Downloaded ca-certificates_20230311+deb12u1.tar.xz from"
etc_after=$(find /etc/apt -type f -exec sha256sum {} + 2>/dev/null | sort)
[ "$etc_before" = "$etc_after" ] || fail "/etc/apt was modified"
ok "/etc/apt unchanged"

# Debian's patches applied at extraction: the fix of CVE-2024-21626 is there.
DL_DIR=$T/dl tmake runc-extract BERTH_DEBIAN_MIRROR=n >"$T/extract.log" 2>&1 ||
	{ cat "$T/extract.log"; fail "make runc-extract failed"; }
[ -f "$T/out/build/runc/src/debian/patches/series" ] || fail "Debian's packaging is not under debian/"
[ -f "$T/out/build/runc/src/main.go" ] || fail "runc's source is not at the top of its tree"
[ -d "$T/out/build/runc/src/usr/share/gocode/src/github.com/sirupsen/logrus" ] || fail "the modules' .debs are not unpacked"
grep -q "^func verifyCwd" "$T/out/build/runc/src/libcontainer/init_linux.go" ||
	fail "the CVE-2024-21626 patches are not applied"
ok "Debian's patches applied at extraction"

# DL_DIR first: with the archive off, a fresh output directory finds them there.
DL_DIR=$T/dl make --no-print-directory -C "$TOPDIR" O="$T/out2" runc-source BERTH_DEBIAN_MIRROR=n \
	>"$T/out2.log" 2>&1 || { cat "$T/out2.log"; fail "runc-source from DL_DIR failed"; }
assert_not_contains "$T/out2.log" "Downloaded"
cmp "$T/out/build/runc/.stamp_downloaded" "$T/out2/build/runc/.stamp_downloaded" || fail "the stamps differ"
ok "the .debs came from DL_DIR"

# A wrong pin: refused, named, and nothing kept.
mkdir -p "$T/dl2"
sed 's/^sha256  [0-9a-f]*  \(golang-dbus-dev_.*\)/sha256  0000000000000000000000000000000000000000000000000000000000000000  \1/' \
	"$pins" > "$T/bad.hash"
if DL_DIR=$T/dl2 "$TOPDIR/scripts/fetch" --deb runc 1 golang-dbus-dev=5.1.0-1 "$T/bad.hash" \
	"$T/out/build/apt-deb" "$T/stamp" >"$T/bad.log" 2>&1; then
	fail "a .deb that does not match its pin was accepted"
fi
cat "$T/bad.log"
assert_contains "$T/bad.log" "hash mismatch for golang-dbus-dev_5.1.0-1_all.deb"
[ -z "$(ls -A "$T/dl2/runc" 2>/dev/null)" ] || fail "DL_DIR kept something: $(ls -A "$T/dl2/runc")"
[ ! -e "$T/stamp" ] || fail "a stamp was written"
ok "nothing kept"
