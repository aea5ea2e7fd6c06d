#!/bin/sh
# scripts/flash on a small GPT image made here (no Berth build needed): written to
# a file from the raw image, .img.gz and .img.xz, and verified; a write that goes
# wrong is caught by the verification; refused: a file that is not a disk image, a
# damaged .gz, "no" at the question (the target untouched), a character device, a
# /dev path that does not exist. With loop devices: written to one and verified,
# the kernel sees its partitions, nothing after the image touched; refused: a
# device smaller than the image, a read-only one, a partition, a device one of
# whose partitions is mounted, is swap or is held by device-mapper (where the
# kernel has it), the file behind a loop device. The host's own root disk is refused too,
# with -y and a dd that would only record being called.
. "$TOPDIR/tests/lib/common.sh"
flash=$TOPDIR/scripts/flash
for t in sfdisk mke2fs gzip xz cmp; do
	command -v "$t" >/dev/null || skip "needs $t"
done
MiB=1048576

# run NAME ARGS...: runs flash with stdin from $T/answer (empty unless written),
# its output in $T/NAME.log and its exit code in $rc.
run() {
	_n=$1; shift
	[ -e "$T/answer" ] || : >"$T/answer"
	"$flash" "$@" <"$T/answer" >"$T/$_n.log" 2>&1
	rc=$?
	rm -f "$T/answer"
}
# expect CODE NAME: flash's exit code was CODE.
expect() {
	[ "$rc" = "$1" ] || { cat "$T/$2.log" >&2; fail "$2: flash exited $rc, not $1"; }
	ok "$2: exit $1"
}

# The image: 8 MiB, GPT, partition 1 ext4 with a file, partition 2 a pattern.
img=$T/disk.img
truncate -s 8M "$img"
sfdisk --quiet "$img" <<EOF || fail "sfdisk failed"
label: gpt
start=2048, size=6144, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="FS"
start=8192, size=6144, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="DATA"
EOF
mkdir "$T/root" && echo "berth flash test" >"$T/root/hello"
truncate -s 3M "$T/p1.img"
mke2fs -q -F -t ext4 -L FLASHTEST -d "$T/root" "$T/p1.img" || fail "mke2fs failed"
dd if="$T/p1.img" of="$img" bs=512 seek=2048 conv=notrunc status=none
yes BERTH-FLASH-PATTERN | head -c 3M | dd of="$img" bs=512 seek=8192 conv=notrunc status=none
gzip -c "$img" >"$T/disk.img.gz"
xz -c "$img" >"$T/disk.img.xz"
sum=$(sha256sum "$img" | cut -d' ' -f1)
# A second image, different in partition 2.
cp "$img" "$T/other.img"
yes OTHER-IMAGE | head -c 3M | dd of="$T/other.img" bs=512 seek=8192 conv=notrunc status=none

# --- File targets ----------------------------------------------------------------
for src in "$img" "$T/disk.img.gz" "$T/disk.img.xz"; do
	n=file-$(basename "$src")
	run "$n" "$src" "$T/$n.out"
	expect 0 "$n"
	cmp "$img" "$T/$n.out" || fail "$n: the file written differs from the image"
	ok "$n: the file is the image"
	assert_contains "$T/$n.log" "8 MiB ($((8 * MiB)) bytes), sha256 $sum"
	assert_contains "$T/$n.log" "flash: $T/$n.out: written and verified OK"
done
assert_contains "$T/file-disk.img.gz.log" "reading $T/disk.img.gz (gzip)"
assert_contains "$T/file-disk.img.xz.log" "reading $T/disk.img.xz (xz)"

# An existing file: asked first; "no" leaves it as it was.
yes OLD-DISK-CONTENT | head -c 16M >"$T/old.raw"
cp "$T/old.raw" "$T/target.raw"
echo no >"$T/answer"
run no "$T/disk.img.gz" "$T/target.raw"
expect 1 no
assert_contains "$T/no.log" "about to overwrite the file $T/target.raw"
assert_contains "$T/no.log" "Type yes to write it"
assert_contains "$T/no.log" "error: flash: not written: $T/target.raw"
cmp "$T/old.raw" "$T/target.raw" || fail "answering no changed the target"
ok "answering no left the target untouched"
# No answer at all (stdin at its end) is a no too.
run noanswer "$img" "$T/target.raw"
expect 1 noanswer
assert_contains "$T/noanswer.log" "not written"
cmp "$T/old.raw" "$T/target.raw" || fail "no answer changed the target"
# "yes": written like a disk, from its start; what is after the image stays.
echo yes >"$T/answer"
run yes "$img" "$T/target.raw"
expect 0 yes
cmp -n $((8 * MiB)) "$img" "$T/target.raw" || fail "yes: the first 8 MiB are not the image"
cmp -i $((8 * MiB)) "$T/old.raw" "$T/target.raw" || fail "yes: the bytes after the image were changed"
[ "$(stat -c %s "$T/target.raw")" = $((16 * MiB)) ] || fail "yes: the target's size changed"
ok "yes: the image written at the start, the rest untouched"

# Not a disk image: refused, nothing written.
head -c 2M /dev/urandom >"$T/random.img"
run notimage "$T/random.img" "$T/notimage.out"
expect 1 notimage
assert_contains "$T/notimage.log" "error: flash: $T/random.img is not a disk image"
[ ! -e "$T/notimage.out" ] || fail "a target was created for a non-image"
gzip -c "$T/root/hello" >"$T/hello.img.gz"
run notimage-gz "$T/hello.img.gz" "$T/notimage.out"
expect 1 notimage-gz
assert_contains "$T/notimage-gz.log" "is not a disk image (no GPT header at byte 512 of its gzip-decompressed data)"
run noimage "$T/nothing.img" "$T/notimage.out"
expect 1 noimage
assert_contains "$T/noimage.log" "error: flash: no image file $T/nothing.img"
# A .gz cut short: its start is a disk image, the rest does not decompress.
head -c $(($(stat -c %s "$T/disk.img.gz") / 2)) "$T/disk.img.gz" >"$T/cut.img.gz"
run cut "$T/cut.img.gz" "$T/cut.out"
expect 1 cut
assert_contains "$T/cut.log" "error: flash: cannot read or decompress $T/cut.img.gz"
assert_not_contains "$T/cut.log" "verified OK"
[ ! -e "$T/cut.out" ] || fail "a damaged image was written"
# Not a disk nor a file; a /dev path that does not exist is not made a file.
run chardev -y "$img" /dev/null
expect 1 chardev
assert_contains "$T/chardev.log" "error: flash: /dev/null is neither a block device nor a regular file"
run typo -y "$img" /dev/berth-flash-no-such-disk
expect 1 typo
assert_contains "$T/typo.log" "error: flash: no such device /dev/berth-flash-no-such-disk"
[ ! -e /dev/berth-flash-no-such-disk ] || fail "a file was made in /dev"
# Usage.
run usage "$img"
expect 2 usage
assert_contains "$T/usage.log" "usage: flash [-y|--yes] IMAGE DEVICE"
run badopt --force "$img" "$T/x"
expect 2 badopt
run help --help
expect 0 help

# A write that goes wrong (a dd that damages one byte after writing) is caught.
real_dd=$(command -v dd)
mkdir "$T/baddd"
cat >"$T/baddd/dd" <<EOF
#!/bin/sh
"$real_dd" "\$@" || exit
for a; do
	case \$a in of=*) printf X | "$real_dd" of="\${a#of=}" bs=1 seek=5000000 conv=notrunc status=none ;; esac
done
EOF
chmod +x "$T/baddd/dd"
PATH="$T/baddd:$PATH" run baddd "$img" "$T/baddd.out"
expect 1 baddd
assert_contains "$T/baddd.log" "error: flash: verification failed: the first $((8 * MiB)) bytes of $T/baddd.out have sha256"
assert_not_contains "$T/baddd.log" "verified OK"

# --- The host's root disk: refused before anything is opened for writing -------
# dd is a stand-in that only records that it ran: whatever flash did, it could
# not write the host's disk.
mkdir "$T/guard"
printf '#!/bin/sh\necho "$*" >>"%s"\nexit 1\n' "$T/guard.log" >"$T/guard/dd"
chmod +x "$T/guard/dd"
rootnum=$(awk '$5 == "/" { n = $3 } END { print n }' /proc/self/mountinfo)
rootsys=$(readlink -f "/sys/dev/block/$rootnum" 2>/dev/null)
[ -n "$rootsys" ] && [ -e "$rootsys/partition" ] && rootsys=${rootsys%/*}
rootdisk=
if [ -n "$rootsys" ] && [ -e "$rootsys/dev" ] && [ -z "$(ls -A "$rootsys/slaves" 2>/dev/null)" ] &&
	[ -b "/dev/${rootsys##*/}" ]; then
	rootdisk=/dev/${rootsys##*/}
fi
if [ -n "$rootdisk" ]; then
	PATH="$T/guard:$PATH" run rootdisk -y "$img" "$rootdisk"
	expect 1 rootdisk
	assert_contains "$T/rootdisk.log" "error: flash: $rootdisk is the disk the running system is on ($rootdisk holds /"
	[ ! -e "$T/guard.log" ] || fail "flash ran dd on the root disk: $(cat "$T/guard.log")"
	ok "the root disk $rootdisk refused, dd never ran"
else
	echo "the root filesystem is not on a block device whose disk can be found ($rootnum): its refusal is not tested here"
fi

# --- Loop devices ------------------------------------------------------------------
# attach [OPTIONS] FILE: attaches FILE to a free loop device, set in $loopdev;
# detached on exit, with the partitions the kernel was told of (a loop device
# without partition scanning keeps them otherwise). Fails if there is none.
attach() {
	loopdev=$(losetup -f --show "$@" 2>/dev/null) || return 1
	on_exit "partx -d $loopdev 2>/dev/null; losetup -d $loopdev"
}
truncate -s 4M "$T/small.raw"
if [ "$(id -u)" != 0 ] || ! command -v losetup >/dev/null || ! attach "$T/small.raw"; then
	# The file targets above passed; the refusals need a block device.
	skip "no loop devices here (not root, no losetup, or none free): the block device refusals are not tested"
fi
small=$loopdev
# A device smaller than the image.
run small -y "$img" "$small"
expect 1 small
assert_contains "$T/small.log" "error: flash: $small is smaller than the image: 4 MiB ($((4 * MiB)) bytes), the image 8 MiB"
[ -z "$(tr -d '\0' <"$T/small.raw" | head -c 1)" ] || fail "something was written to the small device"
ok "the small device is still blank"

# A read-only device.
truncate -s 16M "$T/ro.raw"
attach -r "$T/ro.raw" || fail "losetup -r on $T/ro.raw failed"
run ro -y "$img" "$loopdev"
expect 1 ro
assert_contains "$T/ro.log" "error: flash: $loopdev is read-only"

# A disk with 4096-byte logical sectors (4Kn): the image's GPT would not be
# found there.
truncate -s 16M "$T/4kn.raw"
attach --sector-size 4096 "$T/4kn.raw" || fail "losetup --sector-size 4096 on $T/4kn.raw failed"
run 4kn -y "$img" "$loopdev"
expect 1 4kn
assert_contains "$T/4kn.log" "error: flash: $loopdev has 4096-byte logical sectors; the image's partition table is for 512-byte sectors"
[ "$(head -c 1048576 "$T/4kn.raw" | tr -d '\0' | wc -c)" = 0 ] || fail "the 4Kn disk was written"
ok "a 4Kn disk refused, untouched"

# A 16 MiB disk holding old data: written from the .xz and verified.
cp "$T/old.raw" "$T/big.raw"
attach -P "$T/big.raw" || fail "losetup on $T/big.raw failed"
big=$loopdev
bn=${big#/dev/}
run loop -y "$T/disk.img.xz" "$big"
expect 0 loop
assert_contains "$T/loop.log" "flash: $big: written and verified OK (8 MiB, sha256 $sum)"
assert_contains "$T/loop.log" "flash: $big: the kernel sees the new partition table (2 partitions)"
cmp -n $((8 * MiB)) "$img" "$big" || fail "$big does not start with the image"
cmp -i $((8 * MiB)) "$T/old.raw" "$T/big.raw" || fail "the bytes after the image on $big were changed"
ok "$big holds the image, the rest untouched"
for p in 1 2; do
	[ -e "/sys/class/block/${bn}p$p/partition" ] || fail "the kernel does not see ${bn}p$p"
done
ok "the kernel sees ${bn}p1 and ${bn}p2"
# The file behind it is refused: the loop device is the disk.
run backing -y "$T/other.img" "$T/big.raw"
expect 1 backing
assert_contains "$T/backing.log" "error: flash: $T/big.raw is attached to $big (losetup)"
cmp -n $((8 * MiB)) "$img" "$T/big.raw" || fail "the file behind $big was written"
# The partition's node: udev's or, where there is none, made here.
part=/dev/${bn}p1
if [ ! -b "$part" ]; then
	part=$T/${bn}p1
	num=$(cat "/sys/class/block/${bn}p1/dev")
	mknod "$part" b "${num%:*}" "${num#*:}" || fail "mknod $part failed"
fi

# A partition is refused.
run part -y "$img" "$part"
expect 1 part
assert_contains "$T/part.log" "error: flash: $part is a partition (${bn}p1); give the whole disk (/dev/$bn)"

# "no" on a device leaves it as it was.
echo no >"$T/answer"
run loopno "$T/other.img" "$big"
expect 1 loopno
assert_contains "$T/loopno.log" "about to overwrite $big (loop device on $T/big.raw, 16 MiB)"
assert_contains "$T/loopno.log" "not written: $big"
cmp -n $((8 * MiB)) "$img" "$big" || fail "answering no changed $big"

# One of its partitions mounted: refused, saying where.
mkdir "$T/mnt"
if mount -o ro "$part" "$T/mnt" 2>"$T/mount.log"; then
	on_exit "umount '$T/mnt' 2>/dev/null"
	[ "$(cat "$T/mnt/hello")" = "berth flash test" ] || fail "the written ext4 partition does not hold its file"
	ok "the written ext4 partition mounts and holds its file"
	run mounted -y "$T/other.img" "$big"
	expect 1 mounted
	assert_contains "$T/mounted.log" "error: flash: $big is in use"
	assert_contains "$T/mounted.log" "$part is mounted on $T/mnt"
	cmp -n $((8 * MiB)) "$img" "$big" || fail "$big was written while mounted"
	ok "$big untouched while mounted"
	umount "$T/mnt" || fail "umount failed"
	run unmounted -y "$T/other.img" "$big"
	expect 0 unmounted
	cmp -n $((8 * MiB)) "$T/other.img" "$big" || fail "$big does not hold the other image"
	ok "once unmounted, $big is written"
else
	echo "cannot mount here ($(cat "$T/mount.log")): the refusal of a mounted disk is not tested"
fi

# Partition 2 in use as swap, then held by device-mapper: each refused, saying
# what holds it, and nothing written.
part2=/dev/${bn}p2
if [ ! -b "$part2" ]; then
	part2=$T/${bn}p2
	num=$(cat "/sys/class/block/${bn}p2/dev")
	mknod "$part2" b "${num%:*}" "${num#*:}" || fail "mknod $part2 failed"
fi
# refused_held NAME TEXT WHILE: with a partition of $big held (by the caller),
# flash refuses $big, saying TEXT, and writes nothing.
refused_held() {
	run "$1" -y "$img" "$big"
	expect 1 "$1"
	assert_contains "$T/$1.log" "error: flash: $big is in use"
	assert_contains "$T/$1.log" "$2"
	cmp "$T/before-held.raw" "$T/big.raw" || fail "$big was written while $3"
	ok "$big untouched while $3"
}
mkswap "$part2" >/dev/null 2>&1 || fail "mkswap $part2 failed"
cp "$T/big.raw" "$T/before-held.raw"
if swapon "$part2" 2>"$T/swapon.log"; then
	on_exit "swapoff '$part2' 2>/dev/null"
	refused_held swap "$part2 is in use as swap" "one of its partitions is swap"
	swapoff "$part2"
else
	echo "cannot swapon here ($(cat "$T/swapon.log")): the refusal of a disk in use as swap is not tested"
fi
if dmsetup create berth-flash-test --table "0 2048 linear $part2 0" 2>"$T/dmsetup.log"; then
	on_exit "dmsetup remove berth-flash-test 2>/dev/null"
	dm=$(basename "$(readlink -f /dev/mapper/berth-flash-test)")
	refused_held dm "/dev/${bn}p2 is held by $dm (berth-flash-test) (device-mapper, LVM or RAID)" \
		"device-mapper holds one of its partitions"
	dmsetup remove berth-flash-test
else
	echo "no device-mapper here ($(head -n 1 "$T/dmsetup.log")): the refusal of a held disk is not tested"
fi
