#!/bin/sh
# iptables with Berth's kernel, in QEMU (kernel and initramfs): a nat rule
# added, listed back and removed; then dock's rules at work between namespaces:
# a "container" on the bridge dock0 and a "client" on another link. A port
# published on the host's address (DNAT, matched with addrtype LOCAL) reaches
# the container's server, tcp and udp; the container reaches the client, which
# has no route back to the bridge, through MASQUERADE.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
for f in bzImage rootfs.cpio.gz; do
	[ -f "$IMAGES_DIR/$f" ] || fail "no $IMAGES_DIR/$f: build first (make)"
done
ipt=$O/build/rootfs/usr/sbin/xtables-legacy-multi
[ -x "$ipt" ] || fail "no /usr/sbin/xtables-legacy-multi in the image (package/iptables)"
if command -v file >/dev/null; then
	case $(file -L "$ipt") in
	*"statically linked"*) ok "iptables is one static program" ;;
	*) fail "iptables: $(file -L "$ipt")" ;;
	esac
fi
qemu_start -m 256 -smp 2 -kernel "$IMAGES_DIR/bzImage" -initrd "$IMAGES_DIR/rootfs.cpio.gz" \
	-append "console=ttyS0,115200 panic=-1"
qemu_wait "berth: ready" 90

qemu_run "iptables -t nat -A POSTROUTING -s 10.1.0.0/16 -j MASQUERADE && iptables-save -t nat | sed 's/^/rs| /'; echo \"ipt-exit \$?\""
assert_contains "$QEMU_OUT" "ipt-exit 0"
assert_contains "$QEMU_OUT" "rs| *nat"
assert_contains "$QEMU_OUT" "rs| -A POSTROUTING -s 10.1.0.0/16 -j MASQUERADE"
ok "iptables: a nat rule added and listed back"
qemu_run 'iptables -t nat -D POSTROUTING -s 10.1.0.0/16 -j MASQUERADE && echo "rules left: $(iptables -t nat -S POSTROUTING | grep -c MASQUERADE)"'
[ "$(qemu_value "rules left")" = 0 ] || fail "iptables -D left: $(qemu_value "rules left")"

# The container: namespace C on dock0 (10.88.0.2). The client: namespace X on
# a veth whose host end is 10.99.0.1; X has no route to 10.88.0.0/24.
qemu_run 'ip link add dock0 type bridge && ip addr add 10.88.0.1/24 dev dock0 && ip link set dock0 up && echo 1 > /proc/sys/net/ipv4/ip_forward && echo "bridge"-up'
assert_contains "$QEMU_OUT" "bridge-up"
# ns NAME HOSTIF NSIF ADDR/24 [GW]: a namespace with a veth pair (BusyBox's ip
# names the peer vethN: renamed to NSIF).
qemu_run 'ns() { unshare -n sleep 600 & echo $! > /tmp/$1.pid; sleep 0.3; ip link add $2 type veth; p=$(ip -o link show | sed -n "s/^[0-9]*: \([a-z0-9]*\)@$2:.*/\1/p"); ip link set $p name $3 && ip link set $3 netns $(cat /tmp/$1.pid) && ip link set $2 up && nsenter -t $(cat /tmp/$1.pid) -n sh -c "ip link set lo up; ip addr add $4 dev $3; ip link set $3 up; ${5:+ip route add default via $5}"; }; ns c vhc vc0 10.88.0.2/24 10.88.0.1 && ip link set vhc master dock0 && ns x vhx vx0 10.99.0.2/24 && ip addr add 10.99.0.1/24 dev vhx && echo "namespaces"-up'
assert_contains "$QEMU_OUT" "namespaces-up"

# dock's rules (src/dock/firewall.c): published port 8080 (tcp and udp) to the
# container's 80; masquerade what leaves the bridge for elsewhere.
qemu_run "printf '*nat\\n:DOCK - [0:0]\\n-A PREROUTING -m addrtype --dst-type LOCAL -j DOCK\\n-A POSTROUTING -s 10.88.0.0/24 ! -o dock0 -j MASQUERADE\\n-A DOCK -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.88.0.2:80\\n-A DOCK -p udp -m udp --dport 8080 -j DNAT --to-destination 10.88.0.2:80\\nCOMMIT\\n' | iptables-restore -w --noflush; echo \"dock-rules \$?\""
assert_contains "$QEMU_OUT" "dock-rules 0"

# Published tcp port: the client connects to the host's address.
qemu_run 'C=$(cat /tmp/c.pid) X=$(cat /tmp/x.pid); nsenter -t $C -n nc -l -p 80 -e echo from-container-tcp & sleep 0.5; echo "published tcp: $(nsenter -t $X -n nc -w 3 10.99.0.1 8080 </dev/null)"' 30
[ "$(qemu_value "published tcp")" = from-container-tcp ] || fail "published tcp port: got '$(qemu_value "published tcp")'"
ok "published tcp port 8080 reaches the container's port 80"
# Published udp port.
qemu_run 'C=$(cat /tmp/c.pid) X=$(cat /tmp/x.pid); nsenter -t $C -n nc -u -l -p 80 > /tmp/udp.got & sleep 0.5; echo hello-udp | nsenter -t $X -n nc -u -w 1 10.99.0.1 8080; sleep 1; echo "published udp: $(cat /tmp/udp.got)"; kill $! 2>/dev/null' 30
[ "$(qemu_value "published udp")" = hello-udp ] || fail "published udp port: got '$(qemu_value "published udp")'"
ok "published udp port 8080 reaches the container's port 80"
# Masquerade: the client has no route to 10.88.0.0/24, so only a masqueraded
# connection can be answered.
qemu_run 'C=$(cat /tmp/c.pid) X=$(cat /tmp/x.pid); nsenter -t $X -n nc -l -p 9000 -e echo from-client & sleep 0.5; echo "outbound: $(nsenter -t $C -n nc -w 3 10.99.0.2 9000 </dev/null)"' 30
[ "$(qemu_value outbound)" = from-client ] || fail "masquerade: got '$(qemu_value outbound)'"
ok "the container reaches the client through masquerade"

qemu_send 'poweroff'
qemu_exit_wait 30
