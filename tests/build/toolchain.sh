#!/bin/sh
# The two flavours of the C toolchain. Target: static, against musl, and the
# strict warning flags are errors. Host: the same sources under AddressSanitizer
# and UndefinedBehaviorSanitizer, which stop a program at its first fault. And
# the target libraries in the sysroot, linked the way Berth's programs will.
. "$TOPDIR/tests/lib/common.sh"
eval "$(make --no-print-directory -C "$TOPDIR" O="$O" printvars \
	VARS='TARGET_CC TARGET_CFLAGS TARGET_LDFLAGS TARGET_PKG_CONFIG HOST_SAN_CC HOST_SAN_CFLAGS HOST_SAN_LDFLAGS' |
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

# The target libraries: static, through the flags pkg-config gives for the
# sysroot alone; libsodium checks an Ed25519 signature, jansson parses, libcurl
# has TLS (Mbed TLS), HTTP and HTTPS only, and fetches over both.
for p in libsodium jansson mbedtls curl; do
	[ -f "$O/build/$p/.stamp_installed" ] || fail "$p is not built (make $p)"
done
# shellcheck disable=SC2086
flags=$(env $TARGET_PKG_CONFIG --static --cflags --libs libcurl jansson libsodium) ||
	fail "pkg-config found no libcurl, jansson or libsodium in the sysroot"
echo "pkg-config: $flags"
# shellcheck disable=SC2086
$TARGET_CC $TARGET_CFLAGS -o "$T/libs-probe" "$TOPDIR/tests/data/libs-probe.c" $flags $TARGET_LDFLAGS ||
	fail "the target libraries did not link"
file "$T/libs-probe" | tee "$T/libs-file.txt"
assert_contains "$T/libs-file.txt" "statically linked"
mkdir -p "$T/www" && echo '{"hello": "berth"}' > "$T/www/hello.json"
http_serve "$T/www"
"$T/libs-probe" "http://127.0.0.1:$HTTP_PORT/hello.json" > "$T/libs.txt" || { cat "$T/libs.txt"; fail "libs-probe failed"; }
cat "$T/libs.txt"
assert_contains "$T/libs.txt" "verify=0 tampered=-1 sha256(abc)=ba7816bf"
assert_contains "$T/libs.txt" "version=1.2.3"
assert_contains "$T/libs.txt" "ssl=mbedTLS/"
assert_contains "$T/libs.txt" "ssl-feature=yes"
assert_contains "$T/libs.txt" "cainfo=/etc/ssl/certs/ca-certificates.crt"
grep -q ' protocols=http,https$' "$T/libs.txt" || fail "libcurl speaks more than HTTP and HTTPS"
ok "libcurl: http and https only"
assert_contains "$T/libs.txt" '{"hello": "berth"}'
# HTTPS with a certificate made here, for a server on loopback (when there is
# an openssl to make it).
https_check() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
		-addext subjectAltName=DNS:localhost -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null ||
		fail "openssl could not make a certificate"
	python3 -u - "$T/www" "$T/cert.pem" "$T/key.pem" >"$T/https.log" 2>&1 <<'PY' &
import functools, http.server, ssl, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
srv = http.server.HTTPServer(("127.0.0.1", 0), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print("port", srv.server_address[1])
srv.serve_forever()
PY
	on_exit "kill $! 2>/dev/null"
	i=0
	until port=$(sed -n 's/^port //p' "$T/https.log") && [ -n "$port" ]; do
		[ $i -lt 50 ] || fail "the HTTPS server did not start: $(cat "$T/https.log")"
		sleep 0.1; i=$((i + 1))
	done
	"$T/libs-probe" "https://localhost:$port/hello.json" "$T/cert.pem" > "$T/tls.txt" || { cat "$T/tls.txt"; fail "HTTPS fetch failed"; }
	assert_contains "$T/tls.txt" '{"hello": "berth"}'
	if "$T/libs-probe" "https://localhost:$port/hello.json" > "$T/untrusted.txt"; then
		fail "HTTPS with an untrusted certificate worked"
	fi
	grep -q '^fetch=.*SSL' "$T/untrusted.txt" || fail "an untrusted certificate failed, not for TLS: $(cat "$T/untrusted.txt")"
	ok "an untrusted certificate is refused"
}
if command -v openssl >/dev/null; then https_check; else echo "note: no openssl: HTTPS not checked"; fi
