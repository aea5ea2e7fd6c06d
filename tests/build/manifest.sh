#!/bin/sh
# images/manifest.json records what went in: valid JSON, every package with its
# version and license (the libraries linked into Berth's programs too), each
# source file with the sha256 pinned in its .hash file, and the git commit the
# tree was built from. runc and etcd list Debian's source and the Go modules'
# binary packages they were built with, each as such, with its pin.
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
for name in ("musl", "busybox", "linux", "libsodium", "jansson", "mbedtls", "curl", "zlib", "libarchive",
             "dropbear"):
    src = pkgs[name]["sources"]
    # Upstream's file (or Debian's orig), then Debian's packaging if its
    # patches are applied.
    assert len(src) == 1 or all(x["file"].endswith(".debian.tar.xz") for x in src[1:]), (name, src)
    pins = {}
    for line in open(f"{top}/package/{name}/{name}.hash"):
        f = line.split()
        if len(f) == 3 and f[0] == "sha256":
            pins[f[2]] = f[1]
    for x in src:
        assert pins.get(x["file"]) == x["sha256"], (name, x, pins)
        assert x["kind"] == "source", (name, x)
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
# runc and etcd: Debian's source (orig and packaging) and the Go modules'
# .debs, each with its pin; the Go compiler likewise.
for name, nsrc, ndeb in (("runc", 2, 20), ("etcd", 2, 53), ("host-go", 0, 2)):
    p = pkgs[name]
    pins = pins_of(name)
    kinds = [s["kind"] for s in p["sources"]]
    assert kinds == ["source"] * nsrc + ["debian-binary"] * ndeb, (name, kinds)
    for s in p["sources"]:
        assert pins.get(s["file"]) == s["sha256"], (name, s)
        assert s["kind"] == "source" or s["file"].endswith(".deb"), (name, s)
    print("ok:", name, p["version"], len(p["sources"]), "files, each its pin")
assert pkgs["runc"]["sources"][1]["file"].endswith(".debian.tar.xz"), pkgs["runc"]["sources"]
# Every package's licenses are its license's terms.
for p in m["packages"]:
    assert p["licenses"] == p["license"].split(" AND "), p
PY
