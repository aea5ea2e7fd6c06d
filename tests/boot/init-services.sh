#!/bin/sh
# Services under init as PID 1, on a copy of disk.qcow2: a unit the admin adds
# in /etc/berth/units (daemon-reload) runs in its own cgroup with its limits
# (MemoryMax=, TasksMax=, CPUWeight=, IOWeight=, IOWriteBandwidthMax=), and
# stopping it stops every process it forked; a service over MemoryMax= is
# killed by the kernel and init says so; its output and the kernel's are in the
# log and under /var/log/berth; `kill -9 -1` does not hurt init (the login
# prompt comes back); a unit enabled with initctl starts at the next boot;
# SIGUSR2 to PID 1 (BusyBox's poweroff) stops the units and powers off.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
[ -f "$IMAGES_DIR/disk.qcow2" ] || fail "no $IMAGES_DIR/disk.qcow2: build first (make)"
img=$T/disk.qcow2
cp "$IMAGES_DIR/disk.qcow2" "$img"
boot() {
	qemu_start -m 256 -drive "file=$img,if=virtio,format=qcow2"
	qemu_wait "berth: ready" 90
}
boot
qemu_run 'mkdir -p /etc/berth/units && printf "%s\n" "[Unit]" "Description=Three sleepers" "[Service]" "ExecStart=/bin/sh -c '"'"'echo hog says hi; sleep 1001 & sleep 1002 & exec sleep 1003'"'"'" "MemoryMax=32M" "TasksMax=10" "CPUWeight=50" "IOWeight=200" "IOWriteBandwidthMax=/var 1M" "[Install]" "WantedBy=multi-user.target" > /etc/berth/units/hog.service'
qemu_run 'printf "%s\n" "[Service]" "ExecStart=/bin/sh -c '"'"'dd if=/dev/zero of=/dev/null bs=48M count=1 && echo survived'"'"'" "MemoryMax=16M" > /etc/berth/units/greedy.service'
qemu_run 'initctl daemon-reload && initctl start hog.service && sleep 1 && initctl is-active hog.service | sed "s/^/hog: /"'
assert_contains "$QEMU_OUT" "hog: active"
qemu_run 'cd /sys/fs/cgroup/system/hog.service && for f in memory.max pids.max cpu.weight io.weight io.max; do echo "cg $f: $(cat $f)"; done; echo "cg procs: $(wc -l < cgroup.procs)"; cd'
assert_contains "$QEMU_OUT" "cg memory.max: 33554432"
assert_contains "$QEMU_OUT" "cg pids.max: 10"
assert_contains "$QEMU_OUT" "cg cpu.weight: 50"
assert_contains "$QEMU_OUT" "cg io.weight: default 200"
grep -aq "^cg io.max: [0-9]*:0 rbps=max wbps=1048576 " "$QEMU_OUT" || fail "io.max does not limit writes to the disk of /var to 1 MiB/s"
assert_contains "$QEMU_OUT" "cg procs: 3"
qemu_run 'initctl stop hog.service; sleep 1; echo "left: $(cat /sys/fs/cgroup/system/hog.service/cgroup.procs | wc -l) $(ps | grep -c "[s]leep 100")"'
[ "$(qemu_value left)" = "0 0" ] || fail "processes left after the stop: $(qemu_value left)"
ok "stopping hog.service stopped its three processes"

qemu_run 'initctl start greedy.service; i=0; while initctl is-active greedy.service >/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done; initctl status greedy.service | sed "s/^/greedy: /"'
assert_contains "$QEMU_OUT" "greedy: * greedy.service"
grep -aq "^greedy: .*Active: failed" "$QEMU_OUT" || { grep -a "greedy" "$QEMU_OUT" >&2; fail "greedy.service did not fail over MemoryMax="; }
assert_contains "$QEMU_OUT" "oom_memcg=/system/greedy.service"
assert_contains "$QEMU_OUT" "berth-init: greedy.service: failed"
qemu_run 'echo "survived-lines: $(initctl log -n 100 greedy.service | grep -c survived)"'
[ "$(qemu_value survived-lines)" = 0 ] || fail "greedy.service went on past MemoryMax="

qemu_run 'initctl log -n 50 hog.service | sed "s/^/log: /"; grep -c "hog says hi" /var/log/berth/hog.service.log | sed "s/^/file: /"; grep -c "Linux version" /var/log/berth/kernel.log | sed "s/^/kernel: /"'
grep -aq "^log: .* hog.service: hog says hi" "$QEMU_OUT" || fail "the service's output is not in initctl log"
grep -aq "^log: .* hog.service: stopped" "$QEMU_OUT" || fail "init's messages about the unit are not in its log"
[ "$(qemu_value file)" -ge 1 ] || fail "not in /var/log/berth/hog.service.log"
[ "$(qemu_value kernel)" -ge 1 ] || fail "the kernel's messages are not in /var/log/berth/kernel.log"

qemu_run 'initctl enable hog.service | sed "s/^/enable: /"'
assert_contains "$QEMU_OUT" "enable: Created symlink /etc/berth/units/multi-user.target.wants/hog.service -> /etc/berth/units/hog.service."

# kill -9 -1: every process but init dies, the console's shell too; init
# restarts the login prompt.
n=$(grep -ac "berth: autologin as root" "$QEMU_OUT") p=$(grep -ac ":~# " "$QEMU_OUT")
qemu_send "sh -c 'kill -9 -1'" # the shell that sends it survives: not its parent
end=$(( $(date +%s) + 30 ))
until [ "$(grep -ac "berth: autologin as root" "$QEMU_OUT")" -gt "$n" ]; do
	[ "$(date +%s)" -lt $end ] || { tail -n 20 "$QEMU_OUT" >&2; fail "no new login prompt after kill -9 -1"; }
	sleep 0.2
done
# and its shell prompts again (qemu_run waits only for its own output)
until [ "$(grep -ac ":~# " "$QEMU_OUT")" -gt "$p" ]; do
	[ "$(date +%s)" -lt $end ] || fail "no shell prompt after the new login"
	sleep 0.1
done
qemu_run 'echo "pid1 after kill: $(cat /proc/1/comm)"'
assert_contains "$QEMU_OUT" "pid1 after kill: init"
qemu_send 'initctl reboot'
qemu_exit_wait 60

boot
qemu_run 'initctl is-active hog.service | sed "s/^/hog after reboot: /"'
assert_contains "$QEMU_OUT" "hog after reboot: active"
# BusyBox's poweroff signal (SIGUSR2) to PID 1 powers off, as initctl poweroff does.
qemu_send 'kill -USR2 1'
qemu_exit_wait 60
assert_contains "$QEMU_OUT" "hog.service: stopping"
assert_contains "$QEMU_OUT" "berth-init: power off"
assert_contains "$QEMU_OUT" "reboot: Power down"
