#!/bin/sh
# dock on the build machine (host flavour, sanitizers on), without running
# containers: an OCI layout and a docker save archive load, list, inspect and
# go with rmi (their layers too); an archive with a hostile entry or a blob
# that is not its digest is refused, naming it, and leaves nothing in the
# store; dock pull gets an image from a real registry (Debian's
# docker-registry, filled by skopeo): open, behind a Bearer token service, and
# behind Basic credentials from the auth file; it refuses a tampered one; bad
# settings and options are named.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/oci.sh"
make --no-print-directory -C "$TOPDIR" O="$O" "$O/build/host-bin/dock" >"$T/build.log" 2>&1 ||
	{ cat "$T/build.log"; fail "building dock failed"; }
dock=$O/build/host-bin/dock
export DOCK_ROOT=$T/store DOCK_CONF=$T/dock.conf DOCK_RUNC=/bin/false
: > "$DOCK_CONF"

mkdir -p "$T/root/etc" "$T/root/bin"
echo hello > "$T/root/etc/motd"
ln -s /etc/motd "$T/root/bin/motd-link"
oci_layout "$T/root" "$T/oci.tar" hello:1 '{"Cmd":["/bin/true"]}'
docker_archive "$T/root" "$T/saved.tar" saved:2 '{"Cmd":["/bin/true"]}'
gzip -c "$T/oci.tar" > "$T/oci.tar.gz"

"$dock" load "$T/oci.tar.gz" > "$T/out" 2>&1 || { cat "$T/out"; fail "load of a gzip'd OCI layout failed"; }
assert_contains "$T/out" "Loaded image: hello:1"
"$dock" load -i "$T/saved.tar" > "$T/out" 2>&1 || { cat "$T/out"; fail "load of a docker save archive failed"; }
assert_contains "$T/out" "Loaded image: saved:2"
"$dock" images > "$T/images"
grep -q "^hello  *1  " "$T/images" || fail "dock images lacks hello:1"
grep -q "^saved  *2  " "$T/images" || fail "dock images lacks saved:2"
# Both images have the same one layer: unpacked once.
[ "$(ls "$DOCK_ROOT/layers" | wc -l)" = 1 ] || fail "the shared layer was unpacked more than once"
layer=$(ls "$DOCK_ROOT/layers")
[ "$(cat "$DOCK_ROOT/layers/$layer/etc/motd")" = hello ] || fail "the layer's file is not there"
[ "$(readlink "$DOCK_ROOT/layers/$layer/bin/motd-link")" = /etc/motd ] || fail "the layer's symlink is not there"
"$dock" inspect hello:1 > "$T/inspect" || fail "dock inspect hello:1 failed"
assert_contains "$T/inspect" '"Cmd": ['
"$dock" rmi hello:1 > "$T/out" 2>&1 || { cat "$T/out"; fail "rmi hello:1 failed"; }
assert_contains "$T/out" "Untagged: hello:1"
[ "$(ls "$DOCK_ROOT/layers" | wc -l)" = 1 ] || fail "rmi of one image removed the layer the other uses"
"$dock" rmi saved:2 > "$T/out" 2>&1 || fail "rmi saved:2 failed"
[ -z "$(ls "$DOCK_ROOT/layers")" ] || fail "the last image's layer is still there"
[ -z "$(ls "$DOCK_ROOT/blobs/sha256")" ] || fail "blobs of removed images are still there"
ok "load (OCI layout, gzip'd, docker save), images, inspect, rmi with the shared layer kept then removed"

# Hostile archives and blobs that are not their digest.
mkdir -p "$T/evil"
echo x > "$T/evil/x"
tar -C "$T/evil" --transform 's|^\./x|../escape|' -cf "$T/evil.tar" ./x
if "$dock" load "$T/evil.tar" > "$T/out" 2>&1; then fail "an archive with ../escape loaded"; fi
assert_contains "$T/out" "\"../escape\": \"..\" in the path"
[ ! -e "$DOCK_ROOT/escape" ] && [ ! -e "$DOCK_ROOT/tmp/escape" ] || fail "../escape was written"
mkdir "$T/tamper" && tar -C "$T/tamper" -xf "$T/oci.tar"
blob=$(ls -S "$T/tamper/blobs/sha256" | head -1)
printf 'X' | dd of="$T/tamper/blobs/sha256/$blob" bs=1 seek=100 conv=notrunc 2>/dev/null
tar -C "$T/tamper" -cf "$T/tamper.tar" .
if "$dock" load "$T/tamper.tar" > "$T/out" 2>&1; then fail "an archive with a changed blob loaded"; fi
assert_contains "$T/out" "the content's digest is sha256:"
[ -z "$(ls "$DOCK_ROOT/images")" ] && [ -z "$(ls "$DOCK_ROOT/tmp")" ] && [ -z "$(ls "$DOCK_ROOT/layers")" ] ||
	fail "a refused load left something in the store"
printf 'not a tar at all\n' > "$T/junk.tar"
if "$dock" load "$T/junk.tar" > "$T/out" 2>&1; then fail "junk loaded"; fi
assert_contains "$T/out" "dock: $T/junk.tar: "
ok "hostile and damaged archives refused, the store left clean"

# Pull from a real registry on loopback.
port=$((20000 + ($$ + 5) % 20000))
registry_start reg "$port"
skopeo copy -q --dest-tls-verify=false "oci-archive:$T/oci.tar" "docker://127.0.0.1:$port/t/hello:1" ||
	fail "skopeo could not push"
"$dock" pull "127.0.0.1:$port/t/hello:1" > "$T/out" 2>&1 || { cat "$T/out"; fail "dock pull failed"; }
assert_contains "$T/out" "Status: Downloaded 127.0.0.1:$port/t/hello:1"
"$dock" images > "$T/images"
grep -q "^127.0.0.1:$port/t/hello  *1 " "$T/images" || fail "the pulled image is not listed"
if "$dock" pull "127.0.0.1:$port/t/nothere:1" > "$T/out" 2>&1; then fail "a missing image pulled"; fi
assert_contains "$T/out" "manifests/1: not found on 127.0.0.1:$port"
if "$dock" pull "hello" > "$T/out" 2>&1; then fail "a name without a registry pulled"; fi
assert_contains "$T/out" "names no registry and dock.conf sets no DEFAULT_REGISTRY"
# A digest the registry does not have.
if "$dock" pull "127.0.0.1:$port/t/hello@sha256:0000000000000000000000000000000000000000000000000000000000000000" \
	> "$T/out" 2>&1; then fail "a wrong digest pulled"; fi
assert_contains "$T/out" "not found on 127.0.0.1:$port"
# A registry that serves a layer other than its digest says: refused, and
# nothing of it kept.
mkdir -p "$T/root3/etc"
echo "a layer of its own" > "$T/root3/etc/motd"
oci_layout "$T/root3" "$T/tampered.tar" tampered:1 '{"Cmd":["/bin/true"]}'
skopeo copy -q --dest-tls-verify=false "oci-archive:$T/tampered.tar" "docker://127.0.0.1:$port/t/tampered:1" ||
	fail "skopeo could not push"
lsha=$(python3 - "$T/tampered.tar" <<'PY'
import json, sys, tarfile
t = tarfile.open(sys.argv[1])
blob = lambda d: t.extractfile("./blobs/sha256/" + d[7:]).read()
index = json.loads(t.extractfile("./index.json").read())
print(json.loads(blob(index["manifests"][0]["digest"]))["layers"][0]["digest"][7:])
PY
)
data=$(find "$T/reg/data" -path "*/blobs/sha256/*/$lsha/data")
[ -f "$data" ] || fail "the layer's blob is not in the registry's storage"
printf 'X' | dd of="$data" bs=1 seek=50 conv=notrunc 2>/dev/null
if "$dock" pull "127.0.0.1:$port/t/tampered:1" > "$T/out" 2>&1; then fail "a tampered layer was pulled"; fi
assert_contains "$T/out" "the content's digest is sha256:"
assert_contains "$T/out" ", not sha256:$lsha"
[ ! -e "$DOCK_ROOT/blobs/sha256/$lsha" ] || fail "the tampered layer was kept"
! "$dock" images | grep -q "/t/tampered " || fail "the tampered image is listed"
# A multi-arch index (arm64 listed first): the linux/amd64 image is pulled.
oci_multiarch "$T/root" "$T/multi.tar" multi:1 '{"Env":["ARCH=arm64"]}' '{"Env":["ARCH=amd64"]}'
skopeo copy -q --all --dest-tls-verify=false "oci-archive:$T/multi.tar" "docker://127.0.0.1:$port/t/multi:1" ||
	fail "skopeo could not push the multi-arch index"
"$dock" pull "127.0.0.1:$port/t/multi:1" > "$T/out" 2>&1 || { cat "$T/out"; fail "dock pull of a multi-arch index failed"; }
"$dock" inspect "127.0.0.1:$port/t/multi:1" > "$T/inspect" || fail "dock inspect of the pulled index failed"
assert_contains "$T/inspect" "ARCH=amd64"
assert_not_contains "$T/inspect" "ARCH=arm64"
ok "pull from docker-registry; missing images, names without a registry and wrong digests refused; a multi-arch index resolved to linux/amd64"

# An interrupted pull: dock killed while a layer downloads, then while it
# unpacks. Nothing half-made is used: the image is not listed and its layer
# is not there; the next pull empties tmp/ and gets the image whole.
mkdir -p "$T/big"
head -c 48M /dev/urandom > "$T/big/data"
oci_layout "$T/big" "$T/big.tar" big:1 '{}'
skopeo copy -q --dest-tls-verify=false "oci-archive:$T/big.tar" "docker://127.0.0.1:$port/t/big:1" ||
	fail "skopeo could not push the big image"
layers_before=$(ls "$DOCK_ROOT/layers" | wc -l)
interrupt() { # WHAT FIND-TESTS...: kill -9 dock pull once tmp/ holds what they find
	what=$1; shift
	"$dock" pull "127.0.0.1:$port/t/big:1" > "$T/out" 2>&1 &
	pid=$!
	for _ in $(seq 2000); do
		[ -n "$(find "$DOCK_ROOT/tmp" -mindepth 1 -maxdepth 1 "$@" 2>/dev/null)" ] && break
		sleep 0.005
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null && fail "the pull ended before it was killed while $what"
	[ -n "$(ls "$DOCK_ROOT/tmp")" ] || fail "killed while $what, the pull left nothing in tmp/: not interrupted"
	! "$dock" images | grep -q "/t/big " || fail "killed while $what, the image is listed"
	[ "$(ls "$DOCK_ROOT/layers" | wc -l)" = "$layers_before" ] || fail "killed while $what, its layer is there"
	if "$dock" run "127.0.0.1:$port/t/big:1" > "$T/out" 2>&1; then fail "a half-pulled image ran"; fi
	assert_contains "$T/out" "no such image"
}
# (the layer's download, not the config's, which goes the same way first)
interrupt "a layer downloads" -name "pull.*" -size +1M
interrupt "a layer unpacks" -name "layer.*"
"$dock" pull "127.0.0.1:$port/t/big:1" > "$T/out" 2>&1 || { cat "$T/out"; fail "the pull after the interrupted ones failed"; }
[ -z "$(ls "$DOCK_ROOT/tmp")" ] || fail "tmp/ is not empty after a whole pull: $(ls "$DOCK_ROOT/tmp")"
cmp -s "$T/big/data" "$(find "$DOCK_ROOT/layers" -mindepth 2 -maxdepth 2 -name data)" ||
	fail "the layer pulled after the interrupted ones is not the image's"
ok "a pull killed while a layer downloads or unpacks leaves nothing used; the next pull completes it"

# Behind a token service, as Docker Hub is: the registry answers 401 with a
# Bearer challenge, dock asks the realm for a token for the image's scope
# (anonymously) and pulls with it. The token service is a file served over
# HTTP: an RS256 token the test signs, for t/hello only.
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=berth-token -days 2 -keyout "$T/tok.key" -out "$T/tok.crt" \
	2>/dev/null || fail "openssl made no token certificate"
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
hdr=$(printf '{"typ":"JWT","alg":"RS256","x5c":["%s"]}' "$(openssl x509 -in "$T/tok.crt" -outform DER | base64 -w0)" | b64url)
claims=$(printf '{"iss":"berth-test","sub":"","aud":"berth-registry","exp":%d,"nbf":%d,"iat":%d,"jti":"1","access":[{"type":"repository","name":"t/hello","actions":["pull","push"]}]}' \
	$((now + 3600)) $((now - 60)) "$now" | b64url)
sig=$(printf '%s.%s' "$hdr" "$claims" | openssl dgst -sha256 -sign "$T/tok.key" -binary | b64url)
mkdir -p "$T/www"
printf '{"token": "%s.%s.%s"}\n' "$hdr" "$claims" "$sig" > "$T/www/token"
http_serve "$T/www"
tport=$((20000 + ($$ + 6) % 20000))
REGISTRY_AUTH="  token:
    realm: http://127.0.0.1:$HTTP_PORT/token
    service: berth-registry
    issuer: berth-test
    rootcertbundle: $T/tok.crt" registry_start tokreg "$tport"
curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$tport/v2/" > "$T/code"
[ "$(cat "$T/code")" = 401 ] || fail "the token registry answers $(cat "$T/code") without a token, not 401"
skopeo copy -q --dest-tls-verify=false "oci-archive:$T/oci.tar" "docker://127.0.0.1:$tport/t/hello:1" ||
	fail "skopeo could not push to the token registry"
"$dock" pull "127.0.0.1:$tport/t/hello:1" > "$T/out" 2>&1 || { cat "$T/out" "$T/tokreg/log"; fail "dock pull with a token failed"; }
assert_contains "$T/out" "Status: Downloaded 127.0.0.1:$tport/t/hello:1"
assert_contains "$T/http.log" "GET /token?service=berth-registry&scope=repository%3At%2Fhello%3Apull"
# A repository the token does not cover is refused by the registry.
if "$dock" pull "127.0.0.1:$tport/t/other:1" > "$T/out" 2>&1; then fail "a pull the token does not allow worked"; fi
assert_contains "$T/out" "127.0.0.1:$tport"
ok "pull with an anonymous Bearer token from the registry's token service"

# A token service that wants credentials (as Docker Hub's does for private
# images): dock sends the auth file's to the realm, not to the registry.
tokport=$(free_ports 1)
python3 - "$tokport" "$T/www/token" "$(printf 'berth:tok3n' | base64)" > "$T/tok.log" 2>&1 <<'PY' &
import http.server, sys
port, token, want = int(sys.argv[1]), open(sys.argv[2], "rb").read(), "Basic " + sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.headers.get("Authorization") == want
        print("token asked", "with" if ok else "without", "the credentials", flush=True)
        self.send_response(200 if ok else 401)
        self.end_headers()
        if ok:
            self.wfile.write(token)
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
on_exit "kill $! 2>/dev/null"
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$tokport/token" && break; sleep 0.1; done
t2port=$((20000 + ($$ + 9) % 20000))
REGISTRY_AUTH="  token:
    realm: http://127.0.0.1:$tokport/token
    service: berth-registry
    issuer: berth-test
    rootcertbundle: $T/tok.crt" registry_start tokreg2 "$t2port"
skopeo copy -q --dest-tls-verify=false --dest-creds berth:tok3n "oci-archive:$T/oci.tar" \
	"docker://127.0.0.1:$t2port/t/hello:1" || { cat "$T/tok.log"; fail "skopeo could not push to the second token registry"; }
if "$dock" pull "127.0.0.1:$t2port/t/hello:1" > "$T/out" 2>&1; then fail "a pull without the token service's credentials worked"; fi
assert_contains "$T/out" "token: "
printf '{"auths": {"127.0.0.1:%s": {"auth": "%s"}}}\n' "$t2port" "$(printf 'berth:tok3n' | base64)" > "$T/auth.json"
echo "AUTH_FILE=$T/auth.json" > "$DOCK_CONF"
: > "$T/tok.log"
"$dock" pull "127.0.0.1:$t2port/t/hello:1" > "$T/out" 2>&1 || { cat "$T/out" "$T/tok.log"; fail "dock pull with the token service's credentials failed"; }
assert_contains "$T/out" "Status: Downloaded 127.0.0.1:$t2port/t/hello:1"
assert_contains "$T/tok.log" "token asked with the credentials"
assert_not_contains "$T/tok.log" "without"
: > "$DOCK_CONF"
ok "a Bearer token for the credentials of the auth file"

# Behind Basic credentials (htpasswd): refused without them, naming the auth
# file; pulled with them from that file (dock.conf's AUTH_FILE); refused with
# a wrong password.
bport=$((20000 + ($$ + 7) % 20000))
printf 'berth:%s\n' "$(/usr/bin/python3 -c 'import crypt; print(crypt.crypt("s3cret", crypt.mksalt(crypt.METHOD_BLOWFISH)))' 2>/dev/null)" \
	> "$T/htpasswd"
grep -q '^berth:\$2' "$T/htpasswd" || fail "no bcrypt hash for the htpasswd file"
REGISTRY_AUTH="  htpasswd:
    realm: berth-test
    path: $T/htpasswd" registry_start basicreg "$bport"
skopeo copy -q --dest-tls-verify=false --dest-creds berth:s3cret "oci-archive:$T/oci.tar" \
	"docker://127.0.0.1:$bport/t/hello:1" || fail "skopeo could not push to the htpasswd registry"
echo "AUTH_FILE=$T/auth.json" > "$DOCK_CONF"
if "$dock" pull "127.0.0.1:$bport/t/hello:1" > "$T/out" 2>&1; then fail "a pull without credentials worked"; fi
assert_contains "$T/out" "credentials for it go in $T/auth.json"
printf '{"auths": {"127.0.0.1:%s": {"auth": "%s"}}}\n' "$bport" "$(printf 'berth:wrong' | base64)" > "$T/auth.json"
if "$dock" pull "127.0.0.1:$bport/t/hello:1" > "$T/out" 2>&1; then fail "a pull with a wrong password worked"; fi
printf '{"auths": {"127.0.0.1:%s": {"auth": "%s"}}}\n' "$bport" "$(printf 'berth:s3cret' | base64)" > "$T/auth.json"
"$dock" pull "127.0.0.1:$bport/t/hello:1" > "$T/out" 2>&1 || { cat "$T/out" "$T/basicreg/log"; fail "dock pull with credentials failed"; }
assert_contains "$T/out" "Status: Downloaded 127.0.0.1:$bport/t/hello:1"
: > "$DOCK_CONF"
ok "pull with Basic credentials from the auth file; refused without them or with a wrong password"

# Settings and options.
echo "COLOUR=blue" > "$DOCK_CONF"
if "$dock" images > "$T/out" 2>&1; then fail "an unknown setting was accepted"; fi
assert_contains "$T/out" "dock: $DOCK_CONF: line 1: unknown setting COLOUR"
: > "$DOCK_CONF"
badrun() { # EXPECTED ARGS...
	want=$1; shift
	"$dock" run "$@" > "$T/out" 2>&1 && fail "dock run $* ran"
	[ $? = 125 ] || true
	assert_contains "$T/out" "$want"
}
badrun "--memory 1k: a size of at least 6m" --memory 1k hello:1
badrun "--net foo: host, bridge or none" --net foo hello:1
badrun "-p needs --net bridge" --net none -p 80:80 hello:1
badrun "--cpus x: a number of CPUs" --cpus x hello:1
badrun "--restart sometimes: no, on-failure" --restart sometimes hello:1
badrun "-t with -d: a detached container has no terminal in dock" -dit hello:1
badrun "no such image: nothere:1" nothere:1
printf 'A=1\n=2\n' > "$T/bad.env"
badrun "$T/bad.env:2: a variable name is missing" --env-file "$T/bad.env" hello:1
badrun "--env-file $T/none.env: No such file or directory" --env-file "$T/none.env" hello:1
badrun "invalid container name" --name "a b" 127.0.0.1:$port/t/hello:1
badrun "-v nocolon: expected HOST:CONTAINER" --net none -v nocolon 127.0.0.1:$port/t/hello:1
[ -z "$(ls "$DOCK_ROOT/containers")" ] || fail "a refused run left a container"
ok "bad settings and run options named; nothing left behind"
