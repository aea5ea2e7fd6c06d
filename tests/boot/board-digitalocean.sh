#!/bin/sh
# configs/digitalocean_defconfig: the build (reusing this tree's packages; the
# kernel is the board's own) gives images/disk.img.gz, a gzip-compressed raw
# GPT disk with an ext4 STATE, small; that disk boots in QEMU as a droplet
# boots (virtio disk and network, serial and VGA consoles, its key on a
# ConfigDrive) to "berth: ready", and SSH lets the key in.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/ssh.sh"
out=$T/out
clone_build "$out"
clone_src "$out" linux
m() { make --no-print-directory -C "$TOPDIR" O="$out" "$@"; }
m digitalocean_defconfig >"$T/def.log" 2>&1 || { cat "$T/def.log"; fail "digitalocean_defconfig failed"; }
m >"$T/build.log" 2>&1 || { tail -n 40 "$T/build.log"; fail "the digitalocean build failed"; }
gz=$out/images/disk.img.gz
[ -f "$gz" ] || fail "no images/disk.img.gz"
gzip -t "$gz" || fail "disk.img.gz is not a valid gzip file"
mib=$(( $(stat -c %s "$gz") / 1048576 ))
[ "$mib" -lt 200 ] || fail "disk.img.gz is $mib MiB"
gunzip -c "$gz" > "$T/disk.img"
cmp -s "$T/disk.img" "$out/images/disk.img" || fail "disk.img.gz is not images/disk.img"
sfdisk -d "$T/disk.img" > "$T/table" 2>&1 || { cat "$T/table"; fail "no partition table in the image"; }
assert_contains "$T/table" "label: gpt"
assert_contains "$T/table" 'name="STATE"'
ok "disk.img.gz: $mib MiB, a GPT disk with STATE"
assert_contains "$out/build/linux/obj/.config" "CONFIG_VGA_CONSOLE=y"
ssh_key
mkdir -p "$T/cd/openstack/latest"
printf '{"hostname": "droplet", "public_keys": {"k": "%s"}}\n' "$(cat "$T/key.pub")" > "$T/cd/openstack/latest/meta_data.json"
config_drive "$T/cd" "$T/cd.img" config-2
SSH_PORT=$(free_ports 1)
# The readme's steps, with the test's files and port.
readme_qemu "$TOPDIR/board/digitalocean/readme" droplet.img \
	"s|/tmp/droplet.img|$T/disk.img|; s|/tmp/config-2.img|$T/cd.img|; s|:2222-|:$SSH_PORT-|"
eval "set -- $READMEQ"
qemu_start "$@"
qemu_wait "berth: ready" 120
ssh_wait 60 || fail "no SSH into the droplet image"
ssh_run root cat /proc/cmdline > "$T/cmdline"
assert_contains "$T/cmdline" "console=tty0 console=ttyS0,115200"
# The VGA console (the Recovery Console) is the kernel's, beside the serial one.
ssh_run root cat /proc/consoles > "$T/consoles"
assert_contains "$T/consoles" "tty0"
assert_contains "$T/consoles" "ttyS0"
[ "$(ssh_run root 'grep " /var " /proc/mounts | cut -d" " -f3')" = ext4 ] || fail "STATE (/var) is not ext4"
[ "$(ssh_run core hostname)" = droplet ] || fail "the ConfigDrive's host name was not applied"
ok "the DigitalOcean image boots, with both consoles, and lets its key in"
ssh_run root poweroff >/dev/null 2>&1 || true
qemu_exit_wait 60
