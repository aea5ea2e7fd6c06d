#!/bin/sh
# runc, etcd and etcdctl, built from source with Go, are static programs: no
# interpreter, no shared library. runc runs in a chroot of its package alone
# and says which libseccomp it has; etcd and etcdctl run in the assembled root
# filesystem. Nothing in the image is glibc or needs it. Then, where the host
# allows it, runc runs a container of the image's BusyBox in a chroot of the
# root filesystem, once as it is and once with a seccomp filter that refuses
# mkdir: the filter is compiled by the libseccomp linked into runc, and holds.
. "$TOPDIR/tests/lib/common.sh"
rootfs=$O/build/rootfs
[ -f "$O/build/runc/.stamp_installed" ] || fail "runc is not built (make runc)"
[ -d "$rootfs/usr" ] || fail "no assembled root filesystem in $rootfs (make)"

for p in usr/bin/runc usr/bin/etcd usr/bin/etcdctl; do
	readelf -lW "$rootfs/$p" > "$T/phdrs" 2>&1 || fail "/$p is not an ELF file"
	! grep -q "INTERP" "$T/phdrs" || fail "/$p has a program interpreter: not static"
	readelf -dW "$rootfs/$p" > "$T/dynamic" 2>&1
	! grep -q "(NEEDED)" "$T/dynamic" || { cat "$T/dynamic"; fail "/$p needs shared libraries"; }
done
cmp "$O/build/runc/dest/usr/bin/runc" "$rootfs/usr/bin/runc" || fail "the root filesystem's runc is not the package's"
ok "runc, etcd and etcdctl are static programs in the root filesystem"

# Nothing of glibc's in the image, and no ELF file that asks for it.
find "$rootfs" \( -name 'ld-linux*' -o -name 'libc.so.6' -o -name 'libc-2*' -o -name 'libseccomp.so*' \
	-o -name 'libpthread*' -o -name 'libnss_*' -o -name 'libresolv*' \) -print > "$T/glibc-names"
[ ! -s "$T/glibc-names" ] || { cat "$T/glibc-names"; fail "glibc's files in the image"; }
: > "$T/glibc-users"
find "$rootfs" -type f -size +63c | while read -r f; do
	[ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
	if readelf -lW "$f" 2>/dev/null | grep -q 'interpreter: .*ld-linux' ||
		readelf -dW "$f" 2>/dev/null | grep -Eq '\(NEEDED\).*\[(libc\.so\.6|ld-linux)'; then
		echo "${f#"$rootfs"}" >> "$T/glibc-users"
	fi
done
[ ! -s "$T/glibc-users" ] || { cat "$T/glibc-users"; fail "programs in the image use glibc"; }
ok "no glibc file in the image, and no ELF file that needs one"

[ "$(id -u)" = 0 ] || skip "needs root to chroot"
mkdir -p "$T/alone"
cp -a "$O/build/runc/dest/." "$T/alone/"
chroot "$T/alone" /usr/bin/runc --version > "$T/version" 2>&1 || { cat "$T/version"; fail "runc did not run in a chroot of its package"; }
cat "$T/version"
assert_contains "$T/version" "runc version 1.1.5"
assert_contains "$T/version" "libseccomp: 2.5.4"
cp -a "$rootfs" "$T/rootfs"
chroot "$T/rootfs" /usr/bin/etcd --version > "$T/etcd.txt" 2>&1 || { cat "$T/etcd.txt"; fail "etcd does not run in the image"; }
assert_contains "$T/etcd.txt" "etcd Version: 3.4.23"
chroot "$T/rootfs" /usr/bin/etcdctl version > "$T/etcdctl.txt" 2>&1 || { cat "$T/etcdctl.txt"; fail "etcdctl does not run in the image"; }
assert_contains "$T/etcdctl.txt" "etcdctl version: 3.4.23"
ok "runc in a chroot of its own files; etcd and etcdctl in the image's"

# Containers: the image's BusyBox as their root filesystem, run by the
# chroot's runc in a mount namespace of this test's own (the mounts go with it).
unshare -m true 2>/dev/null || { echo "note: no mount namespace here: no container run"; exit 0; }
grep -q cgroup /proc/self/mounts || { echo "note: no cgroup filesystem here: no container run"; exit 0; }
c=$T/rootfs
mkdir -p "$c/b/rootfs/bin" "$c/proc" "$c/sys" "$c/dev" "$c/run"
cp "$O/build/busybox/dest/bin/busybox" "$c/b/rootfs/bin/busybox"
for a in sh mkdir echo; do ln -s busybox "$c/b/rootfs/bin/$a"; done
# run_ctr plain|seccomp: the container's output.
run_ctr() {
	unshare -m sh -euc '
	c=$1
	mount --make-rprivate /
	mount --bind "$c" "$c"
	mount --rbind /proc "$c/proc"
	mount --rbind /sys "$c/sys"
	mount --rbind /dev "$c/dev"
	mount -t tmpfs tmpfs "$c/run"
	rm -f "$c/b/config.json"
	chroot "$c" /usr/bin/runc spec --bundle /b
	# seccomp: a filter that makes mkdir and mkdirat fail with EPERM.
	python3 - "$c/b/config.json" "$2" <<EOF
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/sh", "-c", "echo berth-runc-container pid=\$\$; mkdir /dev/berth-d && echo made-dir"]
if sys.argv[2] == "seccomp":
    c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
json.dump(c, open(sys.argv[1], "w"))
EOF
	timeout 120 chroot "$c" /usr/bin/runc --root /run/runc run --bundle /b "berth-$2"
' sh "$c" "$1"
}
run_ctr plain > "$T/run.log" 2>&1 || { cat "$T/run.log"; fail "runc did not run a container"; }
cat "$T/run.log"
assert_contains "$T/run.log" "berth-runc-container pid=1" "the container's output (PID 1 of its own namespace)"
assert_contains "$T/run.log" "made-dir" "mkdir without a filter"
# mkdir fails, so the container's shell exits 1.
run_ctr seccomp > "$T/seccomp.log" 2>&1 || true
cat "$T/seccomp.log"
assert_contains "$T/seccomp.log" "berth-runc-container pid=1" "the filtered container's output"
assert_contains "$T/seccomp.log" "Operation not permitted" "mkdir under the filter"
assert_not_contains "$T/seccomp.log" "made-dir" "mkdir under the filter"
ok "runc runs containers; its libseccomp's filter refuses mkdir"
