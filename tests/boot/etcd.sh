#!/bin/sh
# etcd in QEMU, from a copy of disk.img: etcd.service runs a single member on
# loopback at boot (berth-etcd with no settings), etcdctl talks to it at the
# local client URL, and a value written is there after a reboot (data on STATE).
# A node's settings with a mistake: the unit's log names the file and line.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
img=$IMAGES_DIR/disk.img
[ -f "$img" ] || fail "no $img: build first (make)"
cp --sparse=always "$img" "$T/disk.img"
boot() {
	qemu_start -m 256 -drive "file=$T/disk.img,if=virtio,format=raw"
	qemu_wait "berth: ready" 90
}
# etcd may take a moment after ready: ask until it answers.
health='for i in $(seq 50); do etcdctl endpoint health >/dev/null 2>&1 && break; sleep 0.2; done; etcdctl endpoint health 2>&1 | sed "s/^/health: /"'
boot
qemu_run "$health" 30
assert_contains "$QEMU_OUT" "health: 127.0.0.1:2379 is healthy"
qemu_run 'etcdctl put /berth/test kept-across-reboots >/dev/null && echo "put: $?"; ls /var/lib/etcd | sed "s/^/datadir: /"'
assert_contains "$QEMU_OUT" "put: 0"
assert_contains "$QEMU_OUT" "datadir: member"
qemu_run 'echo "mem: $(sed -n "s/^VmRSS:[[:space:]]*//p" /proc/$(pidof etcd)/status)"'
echo "etcd: resident $(qemu_value mem)"
# A mistake in the node's settings: the unit says where.
qemu_run 'printf "INITIAL_CLUSTR=a=http://10.0.0.1:2380\n" > /etc/berth/etcd.conf; initctl restart etcd.service; sleep 1; initctl log etcd.service | grep -a "unknown setting" | tail -n 1 | sed "s/^/log: /"' 30
assert_contains "$QEMU_OUT" "berth-etcd: /etc/berth/etcd.conf: line 1: unknown setting INITIAL_CLUSTR"
qemu_run 'rm /etc/berth/etcd.conf; sync'
qemu_send poweroff
qemu_exit_wait 60
boot
qemu_run "$health" 30
qemu_run 'echo "got: $(etcdctl get /berth/test --print-value-only)"'
[ "$(qemu_value got)" = kept-across-reboots ] || fail "after a reboot /berth/test is '$(qemu_value got)'"
ok "etcd's data survives a reboot"
qemu_send poweroff
qemu_exit_wait 60
