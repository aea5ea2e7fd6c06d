#!/bin/sh
# berth.config=URL on the kernel command line (the kernel and initramfs booted
# directly, as board/qemu-x86_64/readme does, with the option appended): the
# interfaces get DHCP first, the agent fetches the document from an HTTP
# server on the host, and applies it (host name, a file); the console says
# where the configuration came from. A ConfigDrive attached as well is not
# read: the kernel command line comes first.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/ssh.sh"
for f in bzImage rootfs.cpio.gz; do
	[ -f "$IMAGES_DIR/$f" ] || fail "no $IMAGES_DIR/$f: build first (make)"
done
mkdir -p "$T/www"
cat > "$T/www/node.yml" <<'EOT'
#cloud-config
hostname: from-url
write_files:
  - path: /etc/fetched
    content: "fetched over HTTP\n"
EOT
http_serve "$T/www"
mkdir -p "$T/cd/openstack/latest"
echo '{"hostname": "from-drive"}' > "$T/cd/openstack/latest/meta_data.json"
printf '#cloud-config\nwrite_files:\n  - path: /etc/from-drive\n    content: drive\n' > "$T/cd/openstack/latest/user_data"
config_drive "$T/cd" "$T/cd.img" config-2
url=http://10.0.2.2:$HTTP_PORT/node.yml
qemu_start -m 384 -kernel "$IMAGES_DIR/bzImage" -initrd "$IMAGES_DIR/rootfs.cpio.gz" \
	-append "console=ttyS0,115200 panic=-1 berth.config=$url" \
	-drive "file=$T/cd.img,format=raw,if=virtio" -netdev user,id=n0 -device virtio-net-pci,netdev=n0
qemu_wait "berth: ready" 90
assert_contains "$QEMU_OUT" "provision: configuration from berth.config=$url"
assert_contains "$T/http.log" '"GET /node.yml HTTP/1.1" 200'
qemu_run 'echo "host: $(hostname)"; echo "file: $(cat /etc/fetched)"; echo "drive: $(test -e /etc/from-drive && echo read || echo unread)"' 30
[ "$(qemu_value host)" = from-url ] || fail "the host name is '$(qemu_value host)', not the fetched document's"
[ "$(qemu_value file)" = "fetched over HTTP" ] || fail "/etc/fetched holds '$(qemu_value file)'"
[ "$(qemu_value drive)" = unread ] || fail "the ConfigDrive was applied beside berth.config="
assert_not_contains "$QEMU_OUT" "ConfigDrive, vfat"
ok "berth.config=URL: fetched and applied, and it wins over a ConfigDrive"
qemu_send poweroff
qemu_exit_wait 30
