#!/bin/sh
# images/manifest.json records what went in: valid JSON, every package with its
# version and license (the libraries linked into Berth's programs too), each
# source file with the sha256 pinned in its .hash file, and the git commit the
# tree was built from. runc's three Debian binary packages are each listed, as
# such, with their pins and a license each.
. "$TOPDIR/tests/lib/common.sh"
m=$IMAGES_DIR/manifest.json
[ -f "$m" ] || fail "no $m"
python3 - "$m" "$TOPDIR" <<'PY' || fail "manifest check failed"
import json, subprocess, sys
m = json.load(open(sys.argv[1]))
top = sys.argv[2]
head = subprocess.run(["git", "-C", top, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
assert m["git_commit"] == head, (m["git_commit"], head)
pkgs = {p["name"]: p for p in m["packages"]}
for name in ("musl", "busybox", "linux", "linux-headers", "libsodium", "jansson", "mbedtls", "curl",
             "zlib", "libarchive"):
    assert name in pkgs, "missing package " + name
    assert pkgs[name]["version"] and pkgs[name]["license"], name
for name in ("musl", "busybox", "linux", "libsodium", "jansson", "mbedtls", "curl", "zlib", "libarchive"):
    src = pkgs[name]["sources"]
    assert len(src) == 1, (name, src)
    pins = {}
    for line in open(f"{top}/package/{name}/{name}.hash"):
        f = line.split()
        if len(f) == 3 and f[0] == "sha256":
            pins[f[2]] = f[1]
    assert pins.get(src[0]["file"]) == src[0]["sha256"], (name, src[0], pins)
    assert src[0]["kind"] == "source", (name, src[0])
    print("ok:", name, pkgs[name]["version"], src[0]["file"])

def pins_of(name):
    pins = {}
    for line in open(f"{top}/package/{name}/{name}.hash"):
        f = line.split()
        if len(f) == 3 and f[0] == "sha256":
            pins[f[2]] = f[1]
    return pins

# ca-certificates: Debian's native source tarball, the only pin.
ca = pkgs["ca-certificates"]
assert ca["licenses"] == ["MPL-2.0"], ca
assert [(s["file"], s["sha256"], s["kind"]) for s in ca["sources"]] == \
    [(f, h, "source") for f, h in pins_of("ca-certificates").items()], ca
print("ok: ca-certificates", ca["version"], ca["sources"][0]["file"])
# runc: three Debian binary packages, each with its pin, and a license each.
runc = pkgs["runc"]
assert runc["licenses"] == ["Apache-2.0", "LGPL-2.1-only", "LGPL-2.1-or-later"], runc
assert runc["license"] == " AND ".join(runc["licenses"]), runc
pins = pins_of("runc")
assert len(runc["sources"]) == 3 == len(pins), (runc, pins)
for s in runc["sources"]:
    assert s["kind"] == "debian-binary" and s["file"].endswith("_amd64.deb"), s
    assert pins[s["file"]] == s["sha256"], (s, pins)
    print("ok: runc", s["file"], s["kind"])
# Every package's licenses are its license's terms.
for p in m["packages"]:
    assert p["licenses"] == p["license"].split(" AND "), p
PY
