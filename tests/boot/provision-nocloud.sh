#!/bin/sh
# First boot from a NoCloud seed (vfat labelled cidata, made by the test) in
# QEMU: the #cloud-config's host name and file are applied, and the
# network-config (cloud-init's version 2) gives static addresses: eth0 by its
# name (IPv6 only: its IPv4 address and route still come by DHCP; the name
# server from the config) and eth1 by its MAC address (IPv4 and IPv6, no
# DHCP).
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/ssh.sh"
img=$IMAGES_DIR/disk.img
[ -f "$img" ] || fail "no $img: build first (make)"
cp --sparse=always "$img" "$T/disk.img"
mkdir -p "$T/seed"
cat > "$T/seed/user-data" <<'EOT'
#cloud-config
hostname: nocloud-node
write_files:
  - path: /etc/from-seed
    content: "from the NoCloud seed\n"
EOT
printf 'instance-id: berth-test-1\nlocal-hostname: from-meta-data\n' > "$T/seed/meta-data"
cat > "$T/seed/network-config" <<'EOT'
version: 2
ethernets:
  eth0:
    addresses: ["fd00:2::30/64"]
    nameservers:
      addresses: [10.0.2.3]
  second:
    match:
      macaddress: "52:54:00:77:00:05"
    addresses: [192.168.77.5/24, "fd00:77::5/64"]
EOT
config_drive "$T/seed" "$T/seed.img" cidata
qemu_start -m 384 -drive "file=$T/disk.img,if=virtio,format=raw" -drive "file=$T/seed.img,if=virtio,format=raw" \
	-netdev user,id=n0 -device virtio-net-pci,netdev=n0 \
	-netdev user,id=n1,net=192.168.77.0/24 -device virtio-net-pci,netdev=n1,mac=52:54:00:77:00:05
qemu_wait "berth: ready" 120
assert_contains "$QEMU_OUT" "provision: configuration from /dev/vdb (NoCloud, vfat)"
qemu_run 'echo "host: $(hostname)"; echo "file: $(cat /etc/from-seed)"; initctl log network.service | sed "s/^/net: /"; ip addr show eth0 | grep -o "inet6* [0-9a-f.:/]*" | grep -v fe80 | sed "s/^/eth0: /"; ip addr show eth1 | grep -o "inet6* [0-9a-f.:/]*" | grep -v fe80 | sed "s/^/eth1: /"; ip route show default | sed "s/^/route: /"; cat /etc/resolv.conf | sed "s/^/dns: /"' 30
[ "$(qemu_value host)" = nocloud-node ] || fail "the host name is '$(qemu_value host)', not the user data's"
[ "$(qemu_value file)" = "from the NoCloud seed" ] || fail "/etc/from-seed holds '$(qemu_value file)'"
assert_contains "$QEMU_OUT" "network: eth0 has fd00:2::30/64 (static)"
assert_contains "$QEMU_OUT" "network: eth1 has 192.168.77.5/24 fd00:77::5/64 (static)"
grep -aq "^eth0: inet 10.0.2.15/24" "$QEMU_OUT" && grep -aq "^eth0: inet6 fd00:2::30/64" "$QEMU_OUT" ||
	fail "eth0, with a static IPv6 address only, has not both it and an IPv4 address by DHCP: $(grep -a "^eth0: " "$QEMU_OUT" | tr -d '\r')"
[ "$(grep -ac "^eth1: inet " "$QEMU_OUT")" = 1 ] && grep -aq "^eth1: inet 192.168.77.5/24" "$QEMU_OUT" &&
	grep -aq "^eth1: inet6 fd00:77::5/64" "$QEMU_OUT" ||
	fail "eth1 has not just the network-config's addresses (DHCP ran?): $(grep -a "^eth1: " "$QEMU_OUT" | tr -d '\r')"
grep -aq "^route: default via 10.0.2.2 dev eth0" "$QEMU_OUT" || fail "no default route through 10.0.2.2"
[ "$(qemu_value dns)" = "nameserver 10.0.2.3" ] || fail "resolv.conf: $(qemu_value dns)"
ok "NoCloud seed: user data, meta-data and network-config (v2, by name and by MAC; DHCP for IPv4 beside a static IPv6) applied"
qemu_send poweroff
qemu_exit_wait 60
