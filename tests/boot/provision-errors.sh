#!/bin/sh
# Bad first-boot input in QEMU: a #cloud-config with a syntax error, one with
# a value of the wrong type (both on a ConfigDrive), and a ConfigDrive that
# is empty. Each gives its message on the console, nothing of the document is
# applied, and the node still reaches "berth: ready" with SSH up (the key from
# the seed's platform part, or for the empty drive, the server's banner); the
# empty drive is not recorded as done.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/ssh.sh"
img=$IMAGES_DIR/disk.img
[ -f "$img" ] || fail "no $img: build first (make)"
ssh_key
SSH_PORT=$(free_ports 1)

# boot_with SEED-IMAGE: a fresh copy of the disk, booted with the seed.
boot_with() {
	cp --sparse=always "$img" "$T/disk.img"
	rm -f "$T/known_hosts"
	qemu_start -m 384 -drive "file=$T/disk.img,if=virtio,format=raw" -drive "file=$1,if=virtio,format=raw" \
		-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$SSH_PORT-:22" -device virtio-net-pci,netdev=n0
	qemu_wait "berth: ready" 120
}
down() {
	qemu_send poweroff
	qemu_exit_wait 60
	mv "$QEMU_OUT" "$T/serial-$1.log"
}

# A syntax error: line 4 opens a flow sequence that never closes. The key is
# the platform's (meta_data.json), which applies all the same.
mkdir -p "$T/s1/openstack/latest"
printf '{"public_keys": {"k": "%s"}}\n' "$(cat "$T/key.pub")" > "$T/s1/openstack/latest/meta_data.json"
printf '#cloud-config\nhostname: never-set\nwrite_files:\n  - path: [/etc/x\n    content: y\n' \
	> "$T/s1/openstack/latest/user_data"
config_drive "$T/s1" "$T/s1.img" config-2
boot_with "$T/s1.img"
assert_contains "$QEMU_OUT" "provision: ERROR: user data: line 5"
assert_contains "$QEMU_OUT" "nothing of the user data was applied"
ssh_wait 60 || fail "no SSH with the platform's key after a syntax error"
[ "$(ssh_run core hostname)" != never-set ] || fail "the invalid document's hostname was applied"
ok "a syntax error: its line on the console, nothing applied, SSH up"
down syntax

# A wrong type: hostname is a list.
mkdir -p "$T/s2/openstack/latest"
cp "$T/s1/openstack/latest/meta_data.json" "$T/s2/openstack/latest/"
printf '#cloud-config\nwrite_files:\n  - path: /etc/y\n    content: y\nhostname: [a, b]\n' > "$T/s2/openstack/latest/user_data"
config_drive "$T/s2" "$T/s2.img" config-2
boot_with "$T/s2.img"
assert_contains "$QEMU_OUT" "provision: ERROR: user data: line 5"
ssh_wait 60 || fail "no SSH with the platform's key after a type error"
[ "$(ssh_run core 'test -e /etc/y && echo written || echo absent')" = absent ] || fail "part of a document with a type error was applied"
ok "a wrong type: its line on the console, nothing applied, SSH up"
down type

# An empty config drive: said, and the node boots as the image made it.
mkdir -p "$T/s3"
config_drive "$T/s3" "$T/s3.img" config-2
boot_with "$T/s3.img"
assert_contains "$QEMU_OUT" "provision: warning: the config drive has no openstack/latest: it is empty"
for _ in $(seq 30); do
	ssh-keyscan -p "$SSH_PORT" -T 5 127.0.0.1 > "$T/keyscan" 2>/dev/null
	grep -q ssh-ed25519 "$T/keyscan" && break
	sleep 1
done
assert_contains "$T/keyscan" "ssh-ed25519"
# Not recorded as done: a drive with something on it is read at a later boot.
qemu_run 'echo "rec""ord: $(test -e /var/lib/berth/provision/done && echo made || echo none)"'
[ "$(qemu_value record)" = none ] || fail "an empty config drive was recorded as provisioning done"
ok "an empty config drive: said, not recorded, the node boots, the SSH server answers"
down empty
