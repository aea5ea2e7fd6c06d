#!/bin/sh
# nft with Berth's kernel, in QEMU (kernel and initramfs): a nat table with a
# masquerade rule, listed back; then dock's rules at work between namespaces:
# a "container" on the bridge dock0 and a "client" on another link. A port
# published on the host's address (dnat, matched with fib daddr type local)
# reaches the container's server, tcp and udp; the container reaches the client,
# which has no route back to the bridge, through masquerade. Needs nft in the
# image (BERTH_PACKAGE_NFTABLES).
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
for f in bzImage rootfs.cpio.gz; do
	[ -f "$IMAGES_DIR/$f" ] || fail "no $IMAGES_DIR/$f: build first (make)"
done
[ -x "$O/build/rootfs/usr/sbin/nft" ] || skip "nft is not in this image (BERTH_PACKAGE_NFTABLES is not set)"
# Built from source it is static; from Debian's binary package
# (package/nftables-deb) it brings its loader and libraries along.
if command -v file >/dev/null; then
	what=$(file -L "$O/build/rootfs/usr/sbin/nft")
	case $what in
	*"statically linked"*) ok "/usr/sbin/nft is statically linked" ;;
	*"interpreter "*)
		interp=$(echo "$what" | sed -n 's/.*interpreter \([^,]*\),.*/\1/p')
		[ -e "$O/build/rootfs$interp" ] || fail "/usr/sbin/nft needs $interp, which is not in the image"
		ok "/usr/sbin/nft is dynamic, its loader $interp is in the image" ;;
	*) fail "/usr/sbin/nft: $what" ;;
	esac
fi
qemu_start -m 256 -smp 2 -kernel "$IMAGES_DIR/bzImage" -initrd "$IMAGES_DIR/rootfs.cpio.gz" \
	-append "console=ttyS0,115200 panic=-1"
qemu_wait "berth: ready" 90

qemu_run "nft add table ip t && nft add chain ip t c '{ type nat hook postrouting priority 100; }' && nft add rule ip t c masquerade && nft list ruleset | sed 's/^/rs| /'; echo \"nft-exit \$?\""
assert_contains "$QEMU_OUT" "nft-exit 0"
assert_contains "$QEMU_OUT" "rs| table ip t {"
grep -aqE "^rs\|[[:space:]]+chain c \{" "$QEMU_OUT" || fail "nft list ruleset: no chain c"
# nft 1.0.6 prints priority 100 of the nat family by its name.
grep -aqE "^rs\|[[:space:]]+type nat hook postrouting priority (srcnat|100); policy accept;" "$QEMU_OUT" ||
	fail "nft list ruleset: no nat postrouting chain"
grep -aqE "^rs\|[[:space:]]+masquerade" "$QEMU_OUT" || fail "nft list ruleset: no masquerade rule"
ok "nft: nat table, chain and masquerade rule listed back"
qemu_run 'nft delete table ip t && echo "tables left: $(nft list tables | wc -l)"'
[ "$(qemu_value "tables left")" = 0 ] || fail "nft delete table left: $(qemu_value "tables left")"

# The container: namespace C on dock0 (10.88.0.2). The client: namespace X on
# a veth whose host end is 10.99.0.1; X has no route to 10.88.0.0/24.
qemu_run 'ip link add dock0 type bridge && ip addr add 10.88.0.1/24 dev dock0 && ip link set dock0 up && echo 1 > /proc/sys/net/ipv4/ip_forward && echo "bridge"-up'
assert_contains "$QEMU_OUT" "bridge-up"
# ns NAME HOSTIF NSIF ADDR/24 [GW]: a namespace with a veth pair (BusyBox's ip
# names the peer vethN: renamed to NSIF).
qemu_run 'ns() { unshare -n sleep 600 & echo $! > /tmp/$1.pid; sleep 0.3; ip link add $2 type veth; p=$(ip -o link show | sed -n "s/^[0-9]*: \([a-z0-9]*\)@$2:.*/\1/p"); ip link set $p name $3 && ip link set $3 netns $(cat /tmp/$1.pid) && ip link set $2 up && nsenter -t $(cat /tmp/$1.pid) -n sh -c "ip link set lo up; ip addr add $4 dev $3; ip link set $3 up; ${5:+ip route add default via $5}"; }; ns c vhc vc0 10.88.0.2/24 10.88.0.1 && ip link set vhc master dock0 && ns x vhx vx0 10.99.0.2/24 && ip addr add 10.99.0.1/24 dev vhx && echo "namespaces"-up'
assert_contains "$QEMU_OUT" "namespaces-up"

# dock's rules: published port 8080 (tcp and udp) to the container's 80;
# masquerade what leaves the bridge for elsewhere.
qemu_run "nft add table ip dock && nft 'add chain ip dock pre { type nat hook prerouting priority dstnat; }' && nft add rule ip dock pre fib daddr type local tcp dport 8080 dnat to 10.88.0.2:80 && nft add rule ip dock pre fib daddr type local udp dport 8080 dnat to 10.88.0.2:80 && nft 'add chain ip dock post { type nat hook postrouting priority srcnat; }' && nft add rule ip dock post ip saddr 10.88.0.0/24 oifname != dock0 masquerade; echo \"dock-rules \$?\""
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
