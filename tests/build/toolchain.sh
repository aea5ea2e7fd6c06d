#!/bin/sh
# The two flavours of the C toolchain. Target: static, against musl, and the
# strict warning flags are errors. Host: the same sources under AddressSanitizer
# and UndefinedBehaviorSanitizer, which stop a program at its first fault.
. "$TOPDIR/tests/lib/common.sh"
eval "$(make --no-print-directory -C "$TOPDIR" O="$O" printvars \
	VARS='TARGET_CC TARGET_CFLAGS TARGET_LDFLAGS HOST_SAN_CC HOST_SAN_CFLAGS HOST_SAN_LDFLAGS' |
	sed "s/=\(.*\)/='\1'/")"
[ -x "$TARGET_CC" ] || fail "no target compiler at $TARGET_CC (make musl)"

# shellcheck disable=SC2086
$TARGET_CC $TARGET_CFLAGS -o "$T/probe" "$TOPDIR/tests/data/libc-probe.c" $TARGET_LDFLAGS ||
	fail "target compile failed"
file "$T/probe" | tee "$T/file.txt"
assert_contains "$T/file.txt" "statically linked"
"$T/probe" > "$T/run.txt"
assert_contains "$T/run.txt" "libc=musl"
# The host's gcc links glibc: the probe tells them apart.
gcc -o "$T/probe-host" "$TOPDIR/tests/data/libc-probe.c" && "$T/probe-host" > "$T/host.txt"
assert_contains "$T/host.txt" "libc=glibc"

printf 'int main(void) { int unused; return 0; }\n' > "$T/warn.c"
# shellcheck disable=SC2086
if $TARGET_CC $TARGET_CFLAGS -c -o "$T/warn.o" "$T/warn.c" 2>"$T/warn.log"; then
	fail "an unused variable compiled: warnings are not errors"
fi
assert_contains "$T/warn.log" "unused variable"

# shellcheck disable=SC2086
$HOST_SAN_CC $HOST_SAN_CFLAGS -o "$T/overflow" "$TOPDIR/tests/data/overflow.c" $HOST_SAN_LDFLAGS ||
	fail "host sanitizer compile failed"
if "$T/overflow" 2>"$T/asan.log"; then fail "a heap overflow ran to the end"; fi
assert_contains "$T/asan.log" "AddressSanitizer: heap-buffer-overflow"
if "$T/overflow" x 2>"$T/ubsan.log"; then fail "a signed overflow ran to the end"; fi
assert_contains "$T/ubsan.log" "runtime error: signed integer overflow"

# Berth's own library builds in the target flavour too: static objects for musl.
make --no-print-directory -C "$TOPDIR" O="$O" target-lib >"$T/lib.log" 2>&1 || { cat "$T/lib.log"; fail "make target-lib failed"; }
ar t "$O/build/target-obj/libberth.a" > "$T/members"
assert_contains "$T/members" "unitfile.o"
assert_contains "$T/members" "execline.o"

# And Berth's programs: static, small.
make --no-print-directory -C "$TOPDIR" O="$O" target-programs >"$T/progs.log" 2>&1 || { cat "$T/progs.log"; fail "make target-programs failed"; }
file "$O/build/target-bin/init" | tee "$T/init.txt"
assert_contains "$T/init.txt" "statically linked"
size=$(stat -c %s "$O/build/target-bin/init")
[ "$size" -lt 204800 ] || fail "init is $size bytes (target: under 200 KB)"
ok "init: $size bytes"
