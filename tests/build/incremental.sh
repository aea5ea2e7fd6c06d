#!/bin/sh
# Incremental builds on the built tree in O: a no-op make does nothing, in under
# two seconds; an edited skeleton file rebuilds only the rootfs; an edited package
# .mk or package config rebuilds that package (and the rootfs), nothing else; an
# edited kernel fragment reconfigures and rebuilds the kernel only.
. "$TOPDIR/tests/lib/common.sh"
# The version and timestamp are pinned: a commit made meanwhile must not count.
m() { make --no-print-directory -C "$TOPDIR" O="$O" BERTH_VERSION=incremental-test SOURCE_DATE_EPOCH=1 "$@"; }
m >"$T/warm.log" 2>&1 || { cat "$T/warm.log"; fail "make on the built tree failed"; }

start=$(date +%s%N)
m >"$T/noop.log" 2>&1 || fail "no-op make failed"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "no-op make: ${ms} ms"
assert_not_contains "$T/noop.log" ">>>"
[ $ms -lt 2000 ] || fail "no-op make took ${ms} ms (limit 2000)"

# The step lines (">>> NAME VERSION Step") of a log, as ">>> NAME Step;...".
steps() { grep -E '^>>> [^ ]+ [^ ]+ [A-Z][a-z]+( .*)?$' "$1" | awk '{ printf "%s %s %s;", $1, $2, $4 }'; }
images=">>> rootfs Assembling;>>> rootfs Packing;>>> rootfs Hashing;>>> disk Assembling;"

touch "$TOPDIR/rootfs/skeleton/etc/profile"
m >"$T/skel.log" 2>&1 || { cat "$T/skel.log"; fail "make after a skeleton edit failed"; }
[ "$(steps "$T/skel.log")" = "$images" ] || fail "skeleton edit ran: $(steps "$T/skel.log")"
ok "skeleton edit: rootfs and disk only"

touch "$TOPDIR/package/busybox/busybox.config"
m >"$T/bb.log" 2>&1 || { cat "$T/bb.log"; fail "make after a busybox config edit failed"; }
[ "$(steps "$T/bb.log")" = ">>> busybox Configuring;>>> busybox Building;>>> busybox Installing;$images" ] ||
	fail "busybox config edit ran: $(steps "$T/bb.log")"
ok "busybox config edit: busybox and the images"

touch "$TOPDIR/package/musl/musl.mk"
m musl >"$T/musl.log" 2>&1 || { cat "$T/musl.log"; fail "make musl after a .mk edit failed"; }
[ "$(steps "$T/musl.log")" = ">>> musl Configuring;>>> musl Building;>>> musl Installing;" ] ||
	fail "musl.mk edit ran: $(steps "$T/musl.log")"
ok "musl.mk edit: musl rebuilt"

m >"$T/after-musl.log" 2>&1 || { cat "$T/after-musl.log"; fail "make after the musl rebuild failed"; }
touch "$TOPDIR/board/qemu-x86_64/linux.fragment"
m >"$T/k.log" 2>&1 || { cat "$T/k.log"; fail "make after a kernel fragment edit failed"; }
[ "$(steps "$T/k.log")" = ">>> linux Configuring;>>> linux Building;>>> linux Installing;$images" ] ||
	fail "kernel fragment edit ran: $(steps "$T/k.log")"
ok "kernel fragment edit: the kernel and the images"
m >"$T/noop2.log" 2>&1 && assert_not_contains "$T/noop2.log" ">>>"
