#!/bin/sh
# The etcd-lock reboot strategy against a real etcd on the host's loopback:
# with the semaphore's one place held by another node, the node writes the
# update and waits without rebooting; once the place is free it takes it,
# reboots into the update, and gives the place back when the new slot is good.
# A reboot window that excludes the present holds the reboot too.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/update.sh"
V2=$(next_version 1)
mkversion "$V2"
update_server

port=$(free_ports 2)
ep=http://127.0.0.1:$port
etcd --name lock-test --data-dir "$T/etcd" --listen-client-urls "$ep" --advertise-client-urls "$ep" \
	--listen-peer-urls "http://127.0.0.1:$((port + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((port + 1))" \
	--initial-cluster "lock-test=http://127.0.0.1:$((port + 1))" >"$T/etcd.log" 2>&1 &
etcd_pid=$!
on_exit "kill $etcd_pid 2>/dev/null"
ctl() { ETCDCTL_API=3 etcdctl --endpoints="$ep" "$@"; }
for _ in $(seq 100); do ctl endpoint health >/dev/null 2>&1 && break; sleep 0.1; done
ctl endpoint health >/dev/null 2>&1 || { cat "$T/etcd.log"; fail "etcd did not start"; }
key=/berth/update/reboot-lock
ctl put "$key" '{"max":1,"holders":["other-node"]}' >/dev/null
# Every value the key takes, as it happens.
ctl watch "$key" >"$T/watch" 2>&1 &
watch_pid=$!
on_exit "kill $watch_pid 2>/dev/null"

cp --sparse=always "$IMAGES_DIR/disk.img" "$T/disk.img"
boot_disk "$T/disk.img"
wait_ready 1
qemu_run "cat /etc/machine-id | sed 's/^/machine-id: /'"
id=$(qemu_value machine-id | tr -d '\r')
[ ${#id} = 32 ] || fail "no machine id: '$id'"
n=$(boots)

# A window that is not now: the update is written, the reboot waits.
hour=$(( ($(date -u +%H | sed 's/^0//') + 3) % 24 ))
qemu_run "printf 'SERVER=$UPDATE_URL\nINTERVAL=5\nREBOOT_STRATEGY=etcd-lock\nETCD_ENDPOINTS=http://10.0.2.2:$port\nREBOOT_WINDOW=$hour:00-$hour:30\n' > /etc/berth/update.conf"
agent_restart
until_logged "boots next"
until_status "reboot: pending"
sleep 10
[ "$(boots)" = "$n" ] || fail "rebooted outside the reboot window"
! grep -q "$id" "$T/watch" || fail "took the lock outside the reboot window"
ok "outside the window: written, and no reboot"

# Any time, but the one place is taken.
qemu_run "sed -i '/REBOOT_WINDOW/d' /etc/berth/update.conf"
agent_restart
until_logged "reboot lock: all 1 places are taken; waiting"
sleep 10
[ "$(boots)" = "$n" ] || fail "rebooted without the lock"
ok "no reboot while the lock is held by another node"

ctl put "$key" '{"max":1,"holders":[]}' >/dev/null
wait_ready 2 180
last_ready_is "$V2" B
until_logged "reboot lock: taken ($id)"
until_status "slot B: version $V2, priority 2, good"
# The key's history: freed by the test, taken by this node, then given back.
for _ in $(seq 30); do
	grep -A1000 "\"holders\":\[\"$id\"\]" "$T/watch" | grep -q '"holders":\[\]' && break
	sleep 1
done
cat "$T/watch"
grep -q "\"holders\":\[\"$id\"\]" "$T/watch" || fail "the node never held the lock"
grep -A1000 "\"holders\":\[\"$id\"\]" "$T/watch" | grep -q '"holders":\[\]' ||
	fail "the lock was not given back"
ok "the node took the lock, then gave it back after the healthy boot"
qemu_send poweroff
qemu_exit_wait 60
