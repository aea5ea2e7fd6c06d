#!/bin/sh
# images/manifest.json records what went in: valid JSON, every package with its
# version and license (the libraries linked into Berth's programs too), each
# source file with the sha256 pinned in its .hash file, and the git commit the
# tree was built from.
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
for name in ("musl", "busybox", "linux", "linux-headers", "libsodium", "jansson", "mbedtls", "curl"):
    assert name in pkgs, "missing package " + name
    assert pkgs[name]["version"] and pkgs[name]["license"], name
for name in ("musl", "busybox", "linux", "libsodium", "jansson", "mbedtls", "curl"):
    src = pkgs[name]["sources"]
    assert len(src) == 1, (name, src)
    pins = {}
    for line in open(f"{top}/package/{name}/{name}.hash"):
        f = line.split()
        if len(f) == 3 and f[0] == "sha256":
            pins[f[2]] = f[1]
    assert pins.get(src[0]["file"]) == src[0]["sha256"], (name, src[0], pins)
    print("ok:", name, pkgs[name]["version"], src[0]["file"])
PY
