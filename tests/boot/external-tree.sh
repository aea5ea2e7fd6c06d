#!/bin/sh
# An external tree (tests/data/external) with a defconfig, a package, an overlay
# adding a file and a service (a unit), a post-build and a post-image script: the image
# built from it boots, contains the file and has run the service.
# The build reuses this tree's built packages (clone_build).
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
ext=$TOPDIR/tests/data/external
out=$T/out
clone_build "$out"
m() { make --no-print-directory -C "$TOPDIR" O="$out" "$@"; }

m BERTH_EXTERNAL="$ext" ext_test_defconfig >"$T/def.log" 2>&1 || { cat "$T/def.log"; fail "ext_test_defconfig failed"; }
assert_contains "$out/.config" 'BERTH_ROOTFS_OVERLAY="overlay"'
assert_contains "$out/.config" 'BERTH_HELLO_GREETING="hello from an external package"'
# BERTH_EXTERNAL is remembered: the build below does not repeat it.
m >"$T/build.log" 2>&1 || { tail -n 40 "$T/build.log"; fail "the external build failed"; }
cat "$T/build.log"
assert_contains "$T/build.log" ">>> hello 1.0 Building"
assert_contains "$T/build.log" ">>> rootfs post-build $ext/post-build.sh"
assert_contains "$T/build.log" ">>> images post-image $ext/post-image.sh"
assert_not_contains "$T/build.log" ">>> linux"
assert_not_contains "$T/build.log" ">>> busybox"
assert_contains "$out/images/post-image.done" "disk.img"

qemu_start_cmd make --no-print-directory -C "$TOPDIR" O="$out" run RUN_SSH_PORT=$(free_ports 1)
qemu_wait "berth: ready" 90
assert_contains "$QEMU_OUT" "berth-init: greeter.service: started"
# The service's output is in its log, and in its file under /var/log.
qemu_run 'initctl log greeter.service; sed "s/^/file: /" /var/log/berth/greeter.service.log'
assert_contains "$QEMU_OUT" "greeter.service: greeter: started, says: hello from an external package"
grep -aq "^file: .*greeter: started, says: hello from an external package" "$QEMU_OUT" || fail "not in /var/log/berth/greeter.service.log"
qemu_run 'cat /etc/motd /etc/berth-post-build /run/greeter.out; hostname | sed "s/^/host: /"'
assert_contains "$QEMU_OUT" "Welcome to a Berth image customized by an external tree."
assert_contains "$QEMU_OUT" "post-build ran for qemu-x86_64"
assert_contains "$QEMU_OUT" "host: ext-node"
qemu_send poweroff
qemu_exit_wait 60
