#!/bin/sh
# A droplet in QEMU: the firmware says DigitalOcean (SMBIOS), a DigitalOcean-
# style metadata server runs on the host's loopback and QEMU's user network
# forwards the guest's connections to 169.254.169.254:80 to it (the network is
# 169.254.0.0/16, as a droplet's link-local side is). The agent reaches it from
# a link-local address, applies the host name, the droplet's key and its user
# data (a file, a unit), and the node comes up with the static addresses from
# the metadata (IPv4, the anchor address and IPv6, with their gateways, and
# the private address on the second NIC), no DHCP: SSH reaches it on the
# public address the metadata gave; a login without a key is refused;
# $private_ipv4 and $public_ipv4 in the user data are the droplet's.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/ssh.sh"
img=$IMAGES_DIR/disk.img
[ -f "$img" ] || fail "no $img: build first (make)"
cp --sparse=always "$img" "$T/disk.img"
ssh_key
SSH_PORT=$(free_ports 1)

mkdir -p "$T/md/metadata"
python3 - "$T/key.pub" > "$T/md/metadata/v1.json" <<'EOT'
import json, sys
key = open(sys.argv[1]).read().strip()
print(json.dumps({
    "droplet_id": 42, "hostname": "droplet-test", "region": "tst1", "public_keys": [key],
    "user_data": "#cloud-config\nwrite_files:\n  - path: /etc/from-droplet\n    content: metadata\n"
                 "  - path: /etc/addresses\n    content: $private_ipv4 $public_ipv4\n"
                 "berth:\n  units:\n    - name: hello.service\n      command: start\n"
                 "      content: |\n        [Service]\n        ExecStart=/bin/sleep 100000\n",
    "interfaces": {
        "public": [{"mac": "52:54:00:12:34:56", "type": "public",
                    "ipv4": {"ip_address": "169.254.0.20", "netmask": "255.255.0.0", "gateway": "169.254.0.2"},
                    "anchor_ipv4": {"ip_address": "10.17.0.5", "netmask": "255.255.0.0", "gateway": "10.17.0.1"},
                    "ipv6": {"ip_address": "2001:db8:10::20", "cidr": 64, "gateway": "2001:db8:10::1"}}],
        "private": [{"mac": "52:54:00:65:43:21", "type": "private",
                     "ipv4": {"ip_address": "10.132.0.2", "netmask": "255.255.0.0", "gateway": "0.0.0.0"}}]},
    "dns": {"nameservers": ["169.254.0.3"]}}))
EOT
http_serve "$T/md"
# QEMU runs this for each connection the guest makes to the metadata address:
# its standard input and output are the connection, relayed to the server.
cat > "$T/relay.py" <<'EOT'
import os, socket, sys, threading
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
def up():
    while True:
        d = os.read(0, 65536)
        if not d:
            s.shutdown(socket.SHUT_WR)
            return
        s.sendall(d)
threading.Thread(target=up, daemon=True).start()
while True:
    d = s.recv(65536)
    if not d:
        break
    os.write(1, d)
EOT
qemu_start -m 384 -smbios type=1,manufacturer=DigitalOcean,product=Droplet \
	-drive "file=$T/disk.img,if=virtio,format=raw" \
	-netdev "user,id=n0,net=169.254.0.0/16,host=169.254.0.2,dns=169.254.0.3,dhcpstart=169.254.0.100,guestfwd=tcp:169.254.169.254:80-cmd:python3 $T/relay.py $HTTP_PORT,hostfwd=tcp:127.0.0.1:$SSH_PORT-169.254.0.20:22" \
	-device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56 \
	-netdev user,id=n1,restrict=on -device virtio-net-pci,netdev=n1,mac=52:54:00:65:43:21
qemu_wait "berth: ready" 120
assert_contains "$QEMU_OUT" "provision: configuration from DigitalOcean metadata (http://169.254.169.254/metadata/v1.json)"
ssh_wait 60 || fail "no SSH on the droplet's public address"
ssh_run root initctl log network.service > "$T/network.log"
assert_contains "$T/network.log" "network: eth0 has 169.254.0.20/16 10.17.0.5/16 2001:db8:10::20/64 (static) via 169.254.0.2 2001:db8:10::1"
assert_contains "$T/network.log" "network: eth1 has 10.132.0.2/16 (static)"
assert_not_contains "$T/network.log" "DHCP"
[ "$(ssh_run core hostname)" = droplet-test ] || fail "the droplet's host name was not set"
[ "$(ssh_run core cat /etc/from-droplet)" = metadata ] || fail "the droplet's user data was not applied"
[ "$(ssh_run core cat /etc/addresses)" = "10.132.0.2 169.254.0.20" ] || fail "\$private_ipv4 \$public_ipv4 gave '$(ssh_run core cat /etc/addresses)'"
[ "$(ssh_run root initctl is-active hello.service)" = active ] || fail "the user data's hello.service is not active"
ssh_password_refused
ssh_run root 'ip -4 addr show dev eth0' > "$T/addr"
assert_contains "$T/addr" "inet 169.254.0.20/16"
assert_contains "$T/addr" "inet 10.17.0.5/16"
[ "$(grep -c 'inet ' "$T/addr")" = 2 ] || fail "eth0 kept another address (the link-local one?): $(cat "$T/addr")"
ssh_run root 'ip -6 addr show dev eth0; ip -6 route show default' > "$T/addr6"
assert_contains "$T/addr6" "inet6 2001:db8:10::20/64 scope global"
assert_contains "$T/addr6" "default via 2001:db8:10::1 dev eth0"
[ "$(ssh_run root cat /etc/resolv.conf)" = "nameserver 169.254.0.3" ] || fail "resolv.conf is not from the metadata"
ssh_run root 'ip -4 addr show dev eth1; ip -4 route show default' > "$T/addr1"
assert_contains "$T/addr1" "inet 10.132.0.2/16"
assert_not_contains "$T/addr1" "dev eth1" # no default route through the private network
ok "droplet: metadata applied, static public, anchor, IPv6 and private addresses and routes, SSH on the public address"
ssh_run root poweroff >/dev/null 2>&1 || true
qemu_exit_wait 60
