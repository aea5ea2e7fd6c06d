#!/bin/sh
# Berth's init as PID 1, on a copy of disk.qcow2 grown by 512 MiB as a cloud
# volume is larger than the image:
# first boot: STATE grown to the disk's end and mounted on /var, /etc an overlay
# on it, /etc/machine-id made, the login prompt from getty@.service, initctl
# answers, / stays read-only; an admin's change to /etc; `initctl reboot` stops
# the units in order and restarts the machine.
# second boot: the change and the machine-id are still there, nothing is grown
# or made again; `initctl poweroff` powers the machine off.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
[ -f "$IMAGES_DIR/disk.qcow2" ] || fail "no $IMAGES_DIR/disk.qcow2: build first (make)"
img=$T/disk.qcow2
cp "$IMAGES_DIR/disk.qcow2" "$img"
qemu-img resize -q "$img" +512M
boot() {
	qemu_start -m 256 -drive "file=$img,if=virtio,format=qcow2"
	qemu_wait "berth: ready" 90
}

boot
assert_contains "$QEMU_OUT" "berth-init: STATE: partition grown to"
assert_contains "$QEMU_OUT" "berth-init: made /etc/machine-id"
assert_not_contains "$QEMU_OUT" "WARNING"
qemu_run 'echo "pid1: $(cat /proc/1/comm) $(readlink /proc/1/exe)"'
assert_contains "$QEMU_OUT" "pid1: init /sbin/init"
qemu_run 'grep -E " /var | /etc | / " /proc/mounts | sed "s/^/mnt: /"'
assert_contains "$QEMU_OUT" "mnt: /dev/vda5 /var ext4 rw"
assert_contains "$QEMU_OUT" "mnt: overlay /etc overlay rw"
assert_contains "$QEMU_OUT" "mnt: /dev/root / squashfs ro"
# STATE is 512 MiB larger than in the image (less 1 MiB at most, for the
# backup GPT and alignment), and so is its filesystem.
qemu_run 'echo "state-mib: $(( $(cat /sys/class/block/vda5/size) / 2048 ))"; df -m /var | awk "NR == 2 { print \"var-mib: \" \$2 }"'
want=$(( $(sfdisk -d "$IMAGES_DIR/disk.img" | sed -n 's/.*size= *\([0-9]*\), .*name="STATE".*/\1/p') / 2048 + 511 ))
[ "$(qemu_value state-mib)" -ge $want ] || fail "STATE is $(qemu_value state-mib) MiB, not grown to the disk's end ($want)"
[ "$(qemu_value var-mib)" -ge $((want * 9 / 10)) ] || fail "/var is $(qemu_value var-mib) MiB: its filesystem was not grown"
ok "STATE and its filesystem fill the disk: $(qemu_value state-mib) MiB, /var $(qemu_value var-mib) MiB"
qemu_run 'initctl is-active getty@ttyS0.service | sed "s/^/getty: /"; initctl status default.target | sed "s/^/status: /"'
assert_contains "$QEMU_OUT" "getty: active"
assert_contains "$QEMU_OUT" "status: * default.target - The system is up"
qemu_run 'echo probe-host > /etc/hostname; echo kept > /etc/probe; echo "mid: $(cat /etc/machine-id)"'
mid=$(qemu_value mid)
echo "$mid" | grep -qE '^[0-9a-f]{32}$' || fail "/etc/machine-id is '$mid'"
qemu_send 'initctl reboot'
qemu_exit_wait 60
assert_contains "$QEMU_OUT" "berth-init: getty@ttyS0.service: stopping"
assert_contains "$QEMU_OUT" "berth-init: reboot"
assert_contains "$QEMU_OUT" "reboot: Restarting system"
assert_not_contains "$QEMU_OUT" "Kernel panic"

boot
assert_not_contains "$QEMU_OUT" "partition grown"
assert_not_contains "$QEMU_OUT" "made /etc/machine-id"
qemu_run 'echo "host: $(hostname)"; echo "probe: $(cat /etc/probe)"; echo "mid: $(cat /etc/machine-id)"'
[ "$(qemu_value host)" = probe-host ] || fail "hostname after the reboot: $(qemu_value host)"
[ "$(qemu_value probe)" = kept ] || fail "/etc/probe after the reboot: $(qemu_value probe)"
[ "$(qemu_value mid)" = "$mid" ] || fail "machine-id changed: $mid, then $(qemu_value mid)"
ok "/etc changes and the machine-id survive a reboot"
qemu_send 'initctl poweroff'
qemu_exit_wait 60
assert_contains "$QEMU_OUT" "berth-init: power off"
assert_contains "$QEMU_OUT" "reboot: Power down"
assert_not_contains "$QEMU_OUT" "Kernel panic"
