#!/bin/sh
# Configuration: make NAME_defconfig writes .config in O; savedefconfig writes a
# changed option back to the defconfig it came from, and only what differs from
# the defaults; make help lists the configs and the per-package targets.
. "$TOPDIR/tests/lib/common.sh"
# A copy of the tree's files, so that savedefconfig writes into the copy.
mkdir -p "$T/tree"
(cd "$TOPDIR" && git ls-files -z | xargs -0 tar -cf -) | tar -xf - -C "$T/tree"
make -C "$T/tree" O="$T/out" qemu_x86_64_defconfig >"$T/def.log" 2>&1 || { cat "$T/def.log"; fail "defconfig failed"; }
assert_contains "$T/out/.config" 'BERTH_BOARD="qemu-x86_64"'
assert_contains "$T/out/.config" "BERTH_DEFCONFIG=\"$T/tree/configs/qemu_x86_64_defconfig\""
sed -i 's/^BERTH_HOSTNAME=.*/BERTH_HOSTNAME="dock-07"/' "$T/out/.config"
make -C "$T/tree" O="$T/out" savedefconfig >"$T/save.log" 2>&1 || { cat "$T/save.log"; fail "savedefconfig failed"; }
assert_contains "$T/tree/configs/qemu_x86_64_defconfig" 'BERTH_HOSTNAME="dock-07"'
assert_not_contains "$T/tree/configs/qemu_x86_64_defconfig" 'BERTH_BUSYBOX_CONFIG'

# A .config written before an option existed picks up its default.
sed -i '/^BERTH_HOSTNAME=/d' "$T/out/.config"
touch -d '-10 seconds' "$T/out/.config"
touch "$T/tree/Config.in"
make -C "$T/tree" O="$T/out" printvars VARS=BERTH_HOSTNAME >"$T/pv.log" 2>&1 || { cat "$T/pv.log"; fail "printvars failed"; }
assert_contains "$T/out/.config" 'BERTH_HOSTNAME="berth"'
assert_contains "$T/pv.log" 'BERTH_HOSTNAME=berth'

make -C "$TOPDIR" help >"$T/help.log" 2>&1 || fail "make help failed"
for w in qemu_x86_64_defconfig menuconfig savedefconfig PKG-rebuild PKG-dirclean \
	'PKG-source' run-kernel check-unit 'Packages: '; do
	assert_contains "$T/help.log" "$w"
done
assert_contains "$T/help.log" "busybox"
