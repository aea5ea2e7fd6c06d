#!/bin/sh
# First boot from a ConfigDrive (vfat labelled config-2, OpenStack layout, made
# by the test) in QEMU: the host name, a written file and a unit from the
# #cloud-config are applied, the key from meta_data.json lets SSH in through
# QEMU's port forward as core and as root, scp and sftp copy files, a password login
# is refused. The second boot applies nothing again and keeps the host keys.
# Prints bench lines: first and second boot to SSH reachable.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/ssh.sh"
img=$IMAGES_DIR/disk.img
[ -f "$img" ] || fail "no $img: build first (make)"
cp --sparse=always "$img" "$T/disk.img"
ssh_key

mkdir -p "$T/cd/openstack/latest"
cat > "$T/cd/openstack/latest/user_data" <<'EOT'
#cloud-config
hostname: berth-cd
write_files:
  - path: /etc/greeting
    content: "hello from the config drive\n"
berth:
  units:
    - name: hello.service
      enable: true
      content: |
        [Service]
        ExecStart=/bin/sh -c 'echo hello-unit-ran; exec sleep 100000'
        [Install]
        WantedBy=multi-user.target
EOT
printf '{"uuid": "0b3c", "hostname": "from-metadata", "public_keys": {"test": "%s"}}\n' "$(cat "$T/key.pub")" \
	> "$T/cd/openstack/latest/meta_data.json"
config_drive "$T/cd" "$T/cd.img" config-2

boot() {
	qemu_start -m 384 -drive "file=$T/disk.img,if=virtio,format=raw" -drive "file=$T/cd.img,if=virtio,format=raw" \
		-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$SSH_PORT-:22" -device virtio-net-pci,netdev=n0
}
SSH_PORT=$(free_ports 1)
boot
qemu_wait "berth: ready" 120
ssh_wait 60 || fail "no SSH within 60 s of ready"
first=$(echo "$(date +%s.%N) - $QEMU_T0" | bc)
assert_contains "$QEMU_OUT" "provision: configuration from /dev/vdb (ConfigDrive, vfat)"
assert_contains "$QEMU_OUT" "provision: applied: 0 user(s), 1 key(s), 1 file(s), 1 unit(s)"
[ "$(ssh_run core hostname)" = berth-cd ] || fail "hostname is not berth-cd (the user data's wins over the metadata's)"
[ "$(ssh_run core cat /etc/greeting)" = "hello from the config drive" ] || fail "/etc/greeting was not written"
[ "$(ssh_run core id -un)" = core ] || fail "the key did not log in as core"
[ "$(ssh_run root id -u)" = 0 ] || fail "the key did not log in as root"
[ "$(ssh_run root initctl is-active hello.service)" = active ] || fail "hello.service is not active"
ok "hostname, file, unit and keys applied; SSH as core and root"
echo "copied by scp" > "$T/payload"
scp -q $SSH_OPTS -P "$SSH_PORT" "$T/payload" "core@127.0.0.1:/home/core/payload" || fail "scp (SFTP) to the node failed"
[ "$(ssh_run core cat /home/core/payload)" = "copied by scp" ] || fail "the file scp copied is not there"
scp -O -q $SSH_OPTS -P "$SSH_PORT" "core@127.0.0.1:/home/core/payload" "$T/back" || fail "scp -O from the node failed"
[ "$(cat "$T/back")" = "copied by scp" ] || fail "scp -O brought back '$(cat "$T/back")'"
printf 'ls /home/core\n' | sftp -q -b - $SSH_OPTS -P "$SSH_PORT" core@127.0.0.1 > "$T/sftp" 2>&1 || { cat "$T/sftp"; fail "sftp failed"; }
assert_contains "$T/sftp" "payload"
ok "scp (SFTP and -O) and sftp copy files to and from the node"
ssh_password_refused
echo "bench: first boot to SSH reachable: $first s"
ssh_run root 'sync; poweroff' >/dev/null 2>&1 || true
qemu_exit_wait 60

# The second boot: nothing applied again, the same host keys (the known_hosts
# file from the first boot is checked strictly).
boot
qemu_wait "berth: ready" 120
ssh_wait 60 || fail "no SSH on the second boot"
second=$(echo "$(date +%s.%N) - $QEMU_T0" | bc)
assert_contains "$QEMU_OUT" "provision: done at first boot"
assert_not_contains "$QEMU_OUT" "provision: applied"
[ "$(ssh_run core hostname)" = berth-cd ] || fail "the host name did not stay"
echo "bench: second boot to SSH reachable: $second s"
ok "the second boot keeps what the first applied, and its host keys"
ssh_run root poweroff >/dev/null 2>&1 || true
qemu_exit_wait 60
