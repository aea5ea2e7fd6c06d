#!/bin/sh
# What a container needs from the kernel, in QEMU (kernel and initramfs), with
# BusyBox's tools as runc and dock would use the system calls: a bridge and a
# veth pair (BusyBox's ip ignores "peer name": the kernel names the peer
# vethN, renamed here), one end moved into a network namespace, pings both
# ways across the bridge; forwarding, conntrack and bridge-netfilter sysctls;
# PID, mount, UTS, IPC and user namespaces; a devpts instance of its own;
# overlayfs with copy-up and whiteouts on tmpfs; the five cgroup v2
# controllers; seccomp filters.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
for f in bzImage rootfs.cpio.gz; do
	[ -f "$IMAGES_DIR/$f" ] || fail "no $IMAGES_DIR/$f: build first (make)"
done
qemu_start -m 256 -smp 2 -kernel "$IMAGES_DIR/bzImage" -initrd "$IMAGES_DIR/rootfs.cpio.gz" \
	-append "console=ttyS0,115200 panic=-1"
qemu_wait "berth: ready" 90

# Bridge and veth pair; each check prints a word its command line lacks.
qemu_run 'ip link add dock0 type bridge && ip addr add 10.88.0.1/24 dev dock0 && ip link set dock0 up && echo "bridge"-made'
assert_contains "$QEMU_OUT" "bridge-made"
qemu_run 'ip link add vh0 type veth peer name vc0; p=$(ip -o link show | sed -n "s/^[0-9]*: \([a-z0-9]*\)@vh0:.*/\1/p"); echo "veth peer: $p"; [ "$p" = vc0 ] || ip link set "$p" name vc0'
p=$(qemu_value "veth peer")
[ -n "$p" ] || fail "ip link add vh0 type veth made no peer"
ok "veth pair vh0 and $p (BusyBox's ip $( [ "$p" = vc0 ] && echo honours || echo ignores ) \"peer name\")"
qemu_run 'unshare -n sleep 600 & echo $! > /tmp/ns.pid; sleep 0.5; P=$(cat /tmp/ns.pid); ip link set vc0 netns $P && ip link set vh0 master dock0 && ip link set vh0 up && nsenter -t $P -n sh -c "ip link set lo up && ip addr add 10.88.0.2/24 dev vc0 && ip link set vc0 up && ip route add default via 10.88.0.1" && echo "netns"-ready'
assert_contains "$QEMU_OUT" "netns-ready"
qemu_run 'P=$(cat /tmp/ns.pid); nsenter -t $P -n ping -c 1 -W 3 10.88.0.1 >/dev/null && echo "ping from"-container-ok; ping -c 1 -W 3 10.88.0.2 >/dev/null && echo "ping to"-container-ok; echo "netns links: $(nsenter -t $P -n ip -o link show | sed -n "s/^[0-9]*: \([a-z0-9]*\)[:@].*/\1/p" | sort | tr "\n" " ")"' 30
assert_contains "$QEMU_OUT" "ping from-container-ok"
assert_contains "$QEMU_OUT" "ping to-container-ok"
# lo and vc0, and sit0 (IPv6-in-IPv4, made in every namespace): not the host's.
[ "$(qemu_value "netns links")" = "lo sit0 vc0 " ] || fail "the namespace sees the links: $(qemu_value "netns links")"
ok "the namespace sees lo, sit0 and vc0 only"

# What dock sets and reads: forwarding, conntrack, netfilter on the bridge.
qemu_run 'echo 1 > /proc/sys/net/ipv4/ip_forward && echo "forward: $(cat /proc/sys/net/ipv4/ip_forward)"; for f in netfilter/nf_conntrack_max bridge/bridge-nf-call-iptables; do [ -f /proc/sys/net/$f ] && echo "sysctl-has $f"; done'
[ "$(qemu_value forward)" = 1 ] || fail "net.ipv4.ip_forward does not stay 1"
assert_contains "$QEMU_OUT" "sysctl-has netfilter/nf_conntrack_max"
assert_contains "$QEMU_OUT" "sysctl-has bridge/bridge-nf-call-iptables"

# Namespaces as runc makes them: PID 1 with its own /proc, hostname, IPC; and
# root in a user namespace.
qemu_run "unshare -p -f -m -u -i --mount-proc sh -c 'hostname c1; echo \"in ns: pid=\$\$ host=\$(hostname) init=\$(cat /proc/1/comm)\"'; echo \"host after: \$(hostname)\""
[ "$(qemu_value "in ns")" = "pid=1 host=c1 init=sh" ] || fail "PID/UTS namespace: $(qemu_value "in ns")"
ok "PID, mount, UTS and IPC namespaces"
[ "$(qemu_value "host after")" = berth ] || fail "the hostname changed outside the namespace"
qemu_run "unshare -U -r sh -c 'echo \"userns uid: \$(id -u) \$(cat /proc/self/uid_map | tr -s \" \" | sed \"s/^ //\")\"'"
[ "$(qemu_value "userns uid")" = "0 0 0 1" ] || fail "user namespace: $(qemu_value "userns uid")"
ok "root in a user namespace"

# A devpts instance of its own, as each container gets.
qemu_run 'mkdir -p /tmp/pts && mount -t devpts -o newinstance,ptmxmode=0666 devpts /tmp/pts && ls /tmp/pts | tr "\n" " " | sed "s/^/devpts: /"; echo; umount /tmp/pts'
[ "$(qemu_value devpts | tr -d ' ')" = ptmx ] || fail "new devpts instance holds: $(qemu_value devpts)"
ok "a new devpts instance, empty but for ptmx"

# overlayfs over tmpfs: copy-up, a new file, a whiteout; the lower layer untouched.
qemu_run 'mkdir -p /tmp/ov/l /tmp/ov/u /tmp/ov/w /tmp/ov/m && echo lower > /tmp/ov/l/a && echo gone > /tmp/ov/l/b && mount -t overlay overlay -o lowerdir=/tmp/ov/l,upperdir=/tmp/ov/u,workdir=/tmp/ov/w /tmp/ov/m && echo upper >> /tmp/ov/m/a && echo new > /tmp/ov/m/c && rm /tmp/ov/m/b && echo "ov merged: $(cat /tmp/ov/m/a | tr "\n" +) $(ls /tmp/ov/m | tr "\n" " ")"; echo "ov lower: $(cat /tmp/ov/l/a) $(ls /tmp/ov/l | tr "\n" " ")"; echo "ov whiteout: $(stat -c "%F %t:%T" /tmp/ov/u/b)"; umount /tmp/ov/m && echo "overlay"-unmounted'
[ "$(qemu_value "ov merged")" = "lower+upper+ a c " ] || fail "overlay merged view: $(qemu_value "ov merged")"
[ "$(qemu_value "ov lower")" = "lower a b " ] || fail "overlay lower layer changed: $(qemu_value "ov lower")"
[ "$(qemu_value "ov whiteout")" = "character special file 0:0" ] || fail "overlay whiteout: $(qemu_value "ov whiteout")"
assert_contains "$QEMU_OUT" "overlay-unmounted"
ok "overlayfs: copy-up, new file, whiteout"

# cgroup v2 controllers (moby's list) and seccomp filters.
qemu_run 'echo "controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"; awk "/^Seccomp_filters:/ { print \"seccomp filters: \" \$2 }" /proc/self/status'
for c in cpuset cpu io memory pids; do
	qemu_value controllers | tr ' ' '\n' | grep -qx $c || fail "no $c controller: $(qemu_value controllers)"
done
ok "cgroup v2: cpuset cpu io memory pids"
[ -n "$(qemu_value "seccomp filters")" ] || fail "no Seccomp_filters in /proc/self/status (SECCOMP_FILTER)"
ok "seccomp filters reported"

qemu_send 'poweroff'
qemu_exit_wait 30
