#!/bin/sh
# The CA bundle libcurl is configured with, /etc/ssl/certs/ca-certificates.crt,
# is in the root filesystem: Mozilla's roots, more than 100, each a certificate
# that openssl parses, none twice, Let's Encrypt's among them; and a build of
# its own from the same source gives the same bytes.
. "$TOPDIR/tests/lib/common.sh"
bundle=$O/build/ca-certificates/dest/etc/ssl/certs/ca-certificates.crt
[ -f "$bundle" ] || fail "no $bundle (make ca-certificates)"
[ -d "$O/build/rootfs/etc" ] || fail "no assembled root filesystem in $O/build/rootfs (make)"
cmp "$bundle" "$O/build/rootfs/etc/ssl/certs/ca-certificates.crt" || fail "the root filesystem's bundle is not the package's"
ok "/etc/ssl/certs/ca-certificates.crt is in the root filesystem"

n=$(grep -c -- '-----BEGIN CERTIFICATE-----' "$bundle")
[ "$n" -gt 100 ] || fail "only $n certificates in the bundle"
[ "$n" = "$(grep -c -- '-----END CERTIFICATE-----' "$bundle")" ] || fail "BEGIN and END lines do not pair"
# Nothing but certificates: every line is inside one.
awk '/^-----BEGIN CERTIFICATE-----$/ { in_c = 1; next } /^-----END CERTIFICATE-----$/ { in_c = 0; next }
	!in_c { print NR": "$0 }' "$bundle" > "$T/outside"
[ ! -s "$T/outside" ] || { head "$T/outside"; fail "lines outside certificates"; }
mkdir -p "$T/certs"
awk -v d="$T/certs" '/BEGIN CERTIFICATE/ { i++ } { print > (d "/" i ".pem") }' "$bundle"
for f in "$T/certs"/*.pem; do
	openssl x509 -noout -fingerprint -sha256 -subject -in "$f" >> "$T/parsed" 2>"$T/err" ||
		{ cat "$f" "$T/err"; fail "openssl cannot parse certificate $(basename "$f" .pem) of the bundle"; }
done
[ "$(grep -c '^sha256 Fingerprint=' "$T/parsed")" = "$n" ] || fail "not every certificate parsed"
ok "$n certificates, each parsed by openssl x509"
[ -z "$(grep '^sha256 Fingerprint=' "$T/parsed" | sort | uniq -d)" ] || fail "a certificate is in the bundle twice"
ok "no certificate twice"
assert_contains "$T/parsed" "CN = ISRG Root X1" "the bundle's subjects"

# Reproducible: the same source built afresh elsewhere gives the same bundle.
tmake ca-certificates >"$T/build.log" 2>&1 || { cat "$T/build.log"; fail "make ca-certificates failed"; }
cmp "$bundle" "$T/out/build/ca-certificates/dest/etc/ssl/certs/ca-certificates.crt" ||
	fail "a second build of the bundle differs"
ok "a second build gives the same bundle"
