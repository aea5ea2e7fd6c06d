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

# libarchive with zlib: a gzip-compressed tar, as an OCI image layer is, made
# here by Python's tarfile (pax headers: a long UTF-8 name, an extended
# attribute; a whiteout, an opaque marker, links, a 1 MiB file, a '..' name),
# listed and extracted by a static probe that registers the tar formats and
# gzip only, as dock will.
for p in zlib libarchive; do
	[ -f "$O/build/$p/.stamp_installed" ] || fail "$p is not built (make $p)"
done
# shellcheck disable=SC2086
aflags=$(env $TARGET_PKG_CONFIG --static --cflags --libs libarchive) ||
	fail "pkg-config found no libarchive in the sysroot"
echo "pkg-config: $aflags"
case " $aflags " in *" -larchive -lz "*) ;; *) fail "libarchive's static flags do not end with zlib";; esac
# shellcheck disable=SC2086
$TARGET_CC $TARGET_CFLAGS -o "$T/archive-probe" "$TOPDIR/tests/data/archive-probe.c" $aflags $TARGET_LDFLAGS ||
	fail "libarchive did not link"
file "$T/archive-probe" | tee "$T/archive-file.txt"
assert_contains "$T/archive-file.txt" "statically linked"
ok "archive-probe (libarchive: tar, gzip, extraction): $(stat -c %s "$T/archive-probe") bytes"
python3 - "$T/layer.tar.gz" "$T/big" <<'PY' || fail "could not make the test layer"
import io, os, sys, tarfile
big = os.urandom(1 << 20)
open(sys.argv[2], "wb").write(big)
def add(tf, name, kind=tarfile.REGTYPE, data=b"", mode=0o644, **kw):
    ti = tarfile.TarInfo(name)
    ti.type, ti.mode, ti.mtime = kind, mode, 1700000000
    for k, v in kw.items():
        setattr(ti, k, v)
    ti.size = len(data) if kind == tarfile.REGTYPE else 0
    tf.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
with tarfile.open(sys.argv[1], "w:gz", format=tarfile.PAX_FORMAT) as tf:
    add(tf, "etc", tarfile.DIRTYPE, mode=0o755)
    add(tf, "etc/hostname", data=b"berth\n")
    add(tf, "etc/localtime", tarfile.SYMTYPE, mode=0o777, linkname="/usr/share/zoneinfo/UTC")
    add(tf, "etc/hostname.bak", tarfile.LNKTYPE, linkname="etc/hostname")
    add(tf, "etc/.wh.motd", mode=0)
    add(tf, "var", tarfile.DIRTYPE, mode=0o755)
    add(tf, "var/.wh..wh..opq", mode=0)
    add(tf, "usr", tarfile.DIRTYPE, mode=0o755)
    add(tf, "usr/bin", tarfile.DIRTYPE, mode=0o755)
    add(tf, "usr/bin/ping", data=b"\x7fELF", mode=0o755,
        pax_headers={"SCHILY.xattr.user.berth": "layer-xattr"})
    add(tf, "usr/share", tarfile.DIRTYPE, mode=0o755)
    add(tf, "usr/share/ünïcødé-" + "x" * 120 + ".txt", data=b"long utf-8 name\n")
    add(tf, "usr/share/big", data=big)
    add(tf, "../escape", data=b"outside\n")
PY
"$T/archive-probe" "$T/layer.tar.gz" > "$T/list.txt" || { cat "$T/list.txt"; fail "archive-probe could not list the layer"; }
cat "$T/list.txt"
# zlib and nothing else: no other compression library was linked in.
grep -q '^version=libarchive 3\.6\.2 zlib/1\.2\.13 zlib=1\.2\.13$' "$T/list.txt" ||
	fail "libarchive is not 3.6.2 with zlib 1.2.13 alone"
ok "libarchive 3.6.2 with zlib 1.2.13 alone"
assert_contains "$T/list.txt" "entries=14 refused=0 filter=gzip format=POSIX pax interchange format"
assert_contains "$T/list.txt" "- 0644 6 etc/hostname"
assert_contains "$T/list.txt" "l 0777 0 etc/localtime -> /usr/share/zoneinfo/UTC"
assert_contains "$T/list.txt" "h 0644 0 etc/hostname.bak => etc/hostname"
assert_contains "$T/list.txt" "- 0000 0 etc/.wh.motd"
assert_contains "$T/list.txt" "- 0000 0 var/.wh..wh..opq"
assert_contains "$T/list.txt" "- 0755 4 usr/bin/ping xattr:user.berth=layer-xattr"
assert_contains "$T/list.txt" "- 0644 16 usr/share/ünïcødé-$(printf '%120s' '' | tr ' ' x).txt"
assert_contains "$T/list.txt" "- 0644 1048576 usr/share/big"
assert_not_contains "$T/list.txt" "warning="
# Extraction: the files as they were, the links, and nothing outside the root.
mkdir -p "$T/root/in"
"$T/archive-probe" "$T/layer.tar.gz" "$T/root/in" > "$T/extract.txt" || { cat "$T/extract.txt"; fail "archive-probe could not extract the layer"; }
assert_contains "$T/extract.txt" "refused ../escape: Path contains '..'"
assert_contains "$T/extract.txt" "entries=14 refused=1"
[ ! -e "$T/root/escape" ] || fail "an entry named ../escape was written outside the root"
cmp "$T/big" "$T/root/in/usr/share/big" || fail "the 1 MiB file did not come out as it went in"
[ "$(cat "$T/root/in/etc/hostname")" = berth ] || fail "etc/hostname is not as it was"
[ "$(readlink "$T/root/in/etc/localtime")" = /usr/share/zoneinfo/UTC ] || fail "etc/localtime is not the symlink"
[ "$(stat -c %i "$T/root/in/etc/hostname")" = "$(stat -c %i "$T/root/in/etc/hostname.bak")" ] ||
	fail "etc/hostname.bak is not a hard link to etc/hostname"
[ "$(stat -c %a "$T/root/in/usr/bin/ping")" = 755 ] || fail "usr/bin/ping lost its mode"
ok "the layer extracted as it was made, and nothing outside the root"
# A truncated layer is an error, not a short listing.
head -c 600000 "$T/layer.tar.gz" > "$T/truncated.tar.gz"
if "$T/archive-probe" "$T/truncated.tar.gz" > "$T/truncated.txt"; then
	fail "a truncated layer was read to its end"
fi
assert_contains "$T/truncated.txt" "read=Truncated input file"
# The host flavour: the same probe against the host's libarchive, under the
# sanitizers, lists the same entries.
host_aflags=$(pkg-config --libs libarchive zlib) || fail "no libarchive or zlib on the host (scripts/host-deps)"
# shellcheck disable=SC2086
$HOST_SAN_CC $HOST_SAN_CFLAGS -o "$T/archive-probe-host" "$TOPDIR/tests/data/archive-probe.c" \
	$HOST_SAN_LDFLAGS $host_aflags || fail "the host flavour did not link libarchive"
"$T/archive-probe-host" "$T/layer.tar.gz" > "$T/list-host.txt" || { cat "$T/list-host.txt"; fail "the host probe failed"; }
sed 1d "$T/list.txt" > "$T/entries.txt" && sed 1d "$T/list-host.txt" > "$T/entries-host.txt"
cmp "$T/entries.txt" "$T/entries-host.txt" || { diff "$T/entries.txt" "$T/entries-host.txt"; fail "the host flavour lists the layer differently"; }
ok "the host flavour (the host's libarchive, sanitizers) lists the same entries"
