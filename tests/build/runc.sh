#!/bin/sh
# runc, a glibc program from Debian's binary package, runs on its own in the
# image: its interpreter and RUNPATH are /usr/lib/runc, and a chroot into a copy
# of the package's files alone, and into one of the assembled root filesystem,
# runs `runc --version` (as root on the host). Nothing of glibc's is in /lib or
# /usr/lib outside /usr/lib/runc, and no other program uses glibc. Then, where
# the host allows it, runc runs a container of the image's BusyBox in that
# chroot: its re-executed `runc init` finds its loader and libraries too.
. "$TOPDIR/tests/lib/common.sh"
dest=$O/build/runc/dest
rootfs=$O/build/rootfs
[ -f "$O/build/runc/.stamp_installed" ] || fail "runc is not built (make runc)"
[ -d "$rootfs/usr" ] || fail "no assembled root filesystem in $rootfs (make)"
lib=/usr/lib/runc

readelf -l "$dest/usr/bin/runc" > "$T/phdrs" || fail "runc is not an ELF file"
assert_contains "$T/phdrs" "[Requesting program interpreter: $lib/ld-linux-x86-64.so.2]" "runc's program headers"
readelf -d "$dest/usr/bin/runc" > "$T/dynamic"
assert_contains "$T/dynamic" "(RUNPATH)            Library runpath: [$lib]" "runc's dynamic section"
for f in ld-linux-x86-64.so.2 libc.so.6 libseccomp.so.2; do
	[ -f "$dest$lib/$f" ] || fail "no $lib/$f"
done
cmp "$dest/usr/bin/runc" "$rootfs/usr/bin/runc" || fail "the root filesystem's runc is not the package's"
ok "/usr/bin/runc and $lib are in the root filesystem"

[ "$(id -u)" = 0 ] || skip "needs root to chroot"
# runc in a chroot of its own files, then of the whole image.
cp -a "$dest" "$T/dest"
chroot "$T/dest" /usr/bin/runc --version > "$T/version" 2>&1 || { cat "$T/version"; fail "runc did not run in a chroot of its package"; }
cat "$T/version"
assert_contains "$T/version" "runc version 1.1.5"
assert_contains "$T/version" "libseccomp: 2.5.4"
cp -a "$rootfs" "$T/rootfs"
chroot "$T/rootfs" /usr/bin/runc --version > "$T/version2" 2>&1 || { cat "$T/version2"; fail "runc did not run in a chroot of the root filesystem"; }
assert_contains "$T/version2" "runc version 1.1.5" "runc --version in the image's tree"

# glibc: its loader and libraries only in /usr/lib/runc, and only runc, etcd
# and etcdctl (package/etcd) load them (every other program is static, or musl's).
find "$T/rootfs/lib" "$T/rootfs/lib64" "$T/rootfs/usr/lib" "$T/rootfs/usr/lib64" -path "$T/rootfs$lib" -prune -o \
	\( -name 'ld-linux*' -o -name 'libc.so*' -o -name 'libc-2*' -o -name 'libseccomp*' -o -name 'libm.so.6' \
	-o -name 'libpthread*' -o -name 'libdl.so*' -o -name 'librt.so*' -o -name 'libnss_*' -o -name 'libresolv*' \) \
	-print 2>/dev/null > "$T/glibc-names"
[ ! -s "$T/glibc-names" ] || { cat "$T/glibc-names"; fail "glibc's files outside $lib"; }
ok "no glibc file in /lib, /lib64, /usr/lib or /usr/lib64 outside $lib"
: > "$T/glibc-users"
find "$T/rootfs" -type f ! -path "$T/rootfs$lib/*" ! -path "$T/rootfs/usr/bin/runc" \
	! -path "$T/rootfs/usr/bin/etcd" ! -path "$T/rootfs/usr/bin/etcdctl" -size +63c | while read -r f; do
	[ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
	if readelf -lW "$f" 2>/dev/null | grep -q 'interpreter: .*ld-linux' ||
		readelf -dW "$f" 2>/dev/null | grep -Eq '\((NEEDED|SONAME)\).*\[(libc\.so\.6|ld-linux)'; then
		echo "${f#"$T/rootfs"}" >> "$T/glibc-users"
	fi
done
[ ! -s "$T/glibc-users" ] || { cat "$T/glibc-users"; fail "programs or libraries other than runc's and etcd's use glibc"; }
ok "no ELF file but runc's and etcd's is glibc or needs it"
# And etcd and etcdctl.
chroot "$T/rootfs" /usr/bin/etcd --version > "$T/etcd.txt" 2>&1 || { cat "$T/etcd.txt"; fail "etcd does not run in the image"; }
assert_contains "$T/etcd.txt" "etcd Version: 3.4.23"
chroot "$T/rootfs" /usr/bin/etcdctl version > "$T/etcdctl.txt" 2>&1 || { cat "$T/etcdctl.txt"; fail "etcdctl does not run in the image"; }
assert_contains "$T/etcdctl.txt" "etcdctl version: 3.4.23"

# A container: the image's BusyBox as its root filesystem, run by the chroot's
# runc in a mount namespace of this test's own (the mounts go with it).
unshare -m true 2>/dev/null || { echo "note: no mount namespace here: no container run"; exit 0; }
grep -q cgroup /proc/self/mounts || { echo "note: no cgroup filesystem here: no container run"; exit 0; }
c=$T/rootfs
mkdir -p "$c/b/rootfs/bin" "$c/proc" "$c/sys" "$c/dev" "$c/run"
cp "$O/build/busybox/dest/bin/busybox" "$c/b/rootfs/bin/busybox"
ln -s busybox "$c/b/rootfs/bin/sh"
unshare -m sh -euc '
	c=$1
	mount --make-rprivate /
	mount --bind "$c" "$c"
	mount --rbind /proc "$c/proc"
	mount --rbind /sys "$c/sys"
	mount --rbind /dev "$c/dev"
	mount -t tmpfs tmpfs "$c/run"
	chroot "$c" /usr/bin/runc spec --bundle /b
	python3 - "$c/b/config.json" <<EOF
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/sh", "-c", "echo berth-runc-container pid=\$\$"]
json.dump(c, open(sys.argv[1], "w"))
EOF
	timeout 120 chroot "$c" /usr/bin/runc --root /run/runc run --bundle /b berth-test
' sh "$c" > "$T/run.log" 2>&1 || { cat "$T/run.log"; fail "runc did not run a container"; }
cat "$T/run.log"
assert_contains "$T/run.log" "berth-runc-container pid=1" "the container's output (PID 1 of its own namespace)"
