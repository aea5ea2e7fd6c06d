#!/bin/sh
# The provisioning agent on the host (host flavour, sanitizers), on a scratch
# root with the image's /etc/passwd, beside an init in test mode: a
# #cloud-config named on the kernel command line applies hostname, keys (for
# core and root), users, files, Berth's settings and units (enabled, started);
# a second run does nothing; an invalid document applies nothing and names its
# line; DigitalOcean's metadata from a real HTTP server on loopback gives
# static addresses, keys, host name and user data; a metadata service that is
# down gives up within the wait; an Ignition document is applied.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/init.sh"
init_build
prov=$O/build/host-bin/berth-provision
R=$T/root S=$T/init.sock
mkdir -p "$T/base" "$T/sys" "$R/etc/berth/units" "$R/var/lib"
cp "$TOPDIR/rootfs/skeleton/etc/passwd" "$TOPDIR/rootfs/skeleton/etc/group" "$TOPDIR/rootfs/skeleton/etc/shadow" "$R/etc/"
printf '[Unit]\nDescription=Up\n' > "$T/base/multi-user.target"
printf '[Unit]\nRequires=multi-user.target\nAfter=multi-user.target\n' > "$T/base/default.target"
init_start --units "$T/base" --units "$R/etc/berth/units" --control "$S"

key1="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeyOneKeyOneKeyOneKeyOneKeyOneKeyOne01 one@test"
key2="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKeyTwoKeyTwoKeyTwoKeyTwoKeyTwoKeyTwo02 two@test"
cat > "$T/user-data" <<EOT
#cloud-config
hostname: node-1
ssh_authorized_keys:
  - $key1
users:
  - name: alice
    gecos: Alice
    groups: [ops]
    ssh_authorized_keys: [ "$key2" ]
write_files:
  - path: /etc/motd
    content: |
      welcome
    permissions: '0640'
  - path: /srv/data/b64
    encoding: b64
    content: aGVsbG8K
    owner: alice:ops
berth:
  etcd:
    name: n1
    heartbeat_interval: 250
    election_timeout: 2500
  fleet:
    metadata: region=test,role=web
  update:
    reboot_strategy: "off"
  units:
    - name: hello.service
      enable: true
      content: |
        [Service]
        ExecStart=/bin/sleep 1000
        [Install]
        WantedBy=multi-user.target
    - name: once.service
      command: start
      content: |
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'echo once > $T/once'
EOT
echo "console=ttyS0 berth.config=$T/user-data quiet" > "$T/cmdline"
run() { "$prov" --root "$R" --cmdline "$T/cmdline" --sys "$T/sys" --init-socket "$S" --no-network "$@"; }
run > "$T/run1" 2>&1 || { cat "$T/run1"; fail "berth-provision failed"; }
assert_contains "$T/run1" "configuration from berth.config=$T/user-data"
[ "$(cat "$R/etc/hostname")" = node-1 ] || fail "hostname: $(cat "$R/etc/hostname")"
assert_contains "$R/var/home/core/.ssh/authorized_keys" "$key1" "core's authorized_keys"
assert_contains "$R/var/roothome/.ssh/authorized_keys" "$key1" "root's authorized_keys"
assert_not_contains "$R/var/home/core/.ssh/authorized_keys" "$key2" "core's authorized_keys"
assert_contains "$R/var/home/alice/.ssh/authorized_keys" "$key2" "alice's authorized_keys"
[ "$(stat -c %a "$R/var/home/core/.ssh/authorized_keys")" = 600 ] || fail "authorized_keys is not 0600"
grep -q '^alice:x:1000:1000:Alice:/var/home/alice:/bin/sh$' "$R/etc/passwd" || { cat "$R/etc/passwd"; fail "alice's passwd line"; }
grep -q '^alice:\*:' "$R/etc/shadow" || fail "alice has no locked shadow entry"
grep -q '^ops:x:1001:alice$' "$R/etc/group" || { cat "$R/etc/group"; fail "alice is not in a new group ops"; }
[ "$(cat "$R/etc/motd")" = welcome ] && [ "$(stat -c %a "$R/etc/motd")" = 640 ] || fail "/etc/motd: content or mode"
[ "$(cat "$R/srv/data/b64")" = hello ] || fail "the base64 file was not decoded"
assert_contains "$R/etc/berth/etcd.conf" "HEARTBEAT_INTERVAL=250"
assert_contains "$R/etc/berth/etcd.conf" "NAME=n1"
assert_contains "$R/etc/berth/fleet.conf" "METADATA=region=test,role=web"
assert_contains "$R/etc/berth/update.conf" "REBOOT_STRATEGY=off"
[ -L "$R/etc/berth/units/multi-user.target.wants/hello.service" ] || fail "hello.service was not enabled"
until_state hello.service active || fail "hello.service is $(ctl is-active hello.service), not active"
wait_for "$T/once" once || fail "once.service (command: start) did not run"
ok "cloud-config applied: host name, keys, user, files, settings, units"

# Once only: a second boot finds the record and changes nothing.
echo "ETCD_ENDPOINTS=http://10.0.0.1:2379" >> "$R/etc/berth/fleet.conf"
run > "$T/run2" 2>&1 || { cat "$T/run2"; fail "the second run failed"; }
assert_contains "$T/run2" "nothing to do"
assert_contains "$R/etc/berth/fleet.conf" "ETCD_ENDPOINTS=http://10.0.0.1:2379"
[ "$(grep -c "$key1" "$R/var/home/core/.ssh/authorized_keys")" = 1 ] || fail "a key was added twice"

# An invalid document: nothing of it applied, its line named, no record made.
R=$T/root2
mkdir -p "$R/etc"
cp "$TOPDIR/rootfs/skeleton/etc/passwd" "$TOPDIR/rootfs/skeleton/etc/group" "$TOPDIR/rootfs/skeleton/etc/shadow" "$R/etc/"
printf '#cloud-config\nhostname: bad\nwrite_files:\n  - path: /etc/x\n    content: [unclosed\n' > "$T/bad"
echo "berth.config=$T/bad" > "$T/cmdline"
if run > "$T/run3" 2>&1; then fail "an invalid document was accepted"; fi
assert_contains "$T/run3" "line 5"
assert_contains "$T/run3" "nothing of the user data was applied"
[ ! -e "$R/etc/hostname" ] && [ ! -e "$R/etc/x" ] || fail "part of an invalid document was applied"
[ ! -e "$R/var/lib/berth/provision/done" ] || fail "an invalid document was recorded as done"
ok "an invalid document changes nothing and says where it is wrong"

# DigitalOcean's metadata, from a real server on loopback.
R=$T/root3
mkdir -p "$R/etc" "$T/md/metadata"
cp "$TOPDIR/rootfs/skeleton/etc/passwd" "$TOPDIR/rootfs/skeleton/etc/group" "$TOPDIR/rootfs/skeleton/etc/shadow" "$R/etc/"
: > "$T/cmdline"
cat > "$T/md/metadata/v1.json" <<EOT
{"droplet_id": 1, "hostname": "droplet-7", "public_keys": ["$key2"],
 "user_data": "#cloud-config\nwrite_files:\n  - path: /etc/from-do\n    content: yes\n  - path: /etc/addresses\n    content: \"\$private_ipv4 \$public_ipv4 \\\\\$private_ipv4 [\$public_ipv6]\"\n",
 "interfaces": {"public": [{"mac": "52:54:00:12:34:56", "type": "public",
   "ipv4": {"ip_address": "203.0.113.10", "netmask": "255.255.240.0", "gateway": "203.0.113.1"},
   "anchor_ipv4": {"ip_address": "10.17.0.5", "netmask": "255.255.0.0", "gateway": "10.17.0.1"}}],
  "private": [{"mac": "52:54:00:65:43:21", "type": "private",
   "ipv4": {"ip_address": "10.132.0.2", "netmask": "255.255.0.0", "gateway": "0.0.0.0"}}]},
 "dns": {"nameservers": ["67.207.67.2", "67.207.67.3"]}}
EOT
http_serve "$T/md"
run --metadata-url "http://127.0.0.1:$HTTP_PORT/metadata/v1.json" > "$T/run4" 2>&1 || { cat "$T/run4"; fail "provisioning from metadata failed"; }
[ "$(cat "$R/etc/hostname")" = droplet-7 ] || fail "the droplet's host name was not set"
assert_contains "$R/var/home/core/.ssh/authorized_keys" "$key2" "core's keys from the metadata"
[ "$(cat "$R/etc/from-do")" = yes ] || fail "the droplet's user data was not applied"
# CoreOS's address variables, from the metadata; escaped, one stays; one the
# droplet has no address for is empty, with a warning.
[ "$(cat "$R/etc/addresses")" = '10.132.0.2 203.0.113.10 $private_ipv4 []' ] ||
	fail "address variables: got '$(cat "$R/etc/addresses")'"
assert_contains "$T/run4" "warning: \$public_ipv6 is used but the platform gave no such address"
for l in "address 52:54:00:12:34:56 203.0.113.10/20" "gateway 52:54:00:12:34:56 203.0.113.1" \
	"address 52:54:00:12:34:56 10.17.0.5/16" "address 52:54:00:65:43:21 10.132.0.2/16" "dns 67.207.67.2"; do
	assert_contains "$R/etc/berth/network.conf" "$l"
done
ok "DigitalOcean metadata: host name, keys, user data (with \$private_ipv4 and the like), static addresses"

R=$T/root4
mkdir -p "$R/etc"
cp "$TOPDIR/rootfs/skeleton/etc/passwd" "$R/etc/"
t0=$(date +%s)
if run --metadata-url "$DEAD_URL" --wait 3 > "$T/run5" 2>&1; then fail "a dead metadata service counted as provisioned"; fi
t1=$(date +%s)
[ $((t1 - t0)) -le 8 ] || fail "a dead metadata service held the agent $((t1 - t0)) s (wait 3)"
assert_contains "$T/run5" "tries in 3 s"
ok "a metadata service that is down is given up on in $((t1 - t0)) s"

# Ignition (a JSON document named on the command line): a user with keys and
# a group, files (a data URL, gzip, mode), a unit enabled with a drop-in.
# Its units go where the test's init reads them (the first root's).
R=$T/root5
mkdir -p "$R/etc/berth"
cp "$TOPDIR/rootfs/skeleton/etc/passwd" "$TOPDIR/rootfs/skeleton/etc/group" "$TOPDIR/rootfs/skeleton/etc/shadow" "$R/etc/"
ln -s "$T/root/etc/berth/units" "$R/etc/berth/units"
cat > "$T/ign.json" <<EOT
{"ignition": {"version": "3.3.0"},
 "passwd": {"users": [{"name": "core", "sshAuthorizedKeys": ["$key1"]},
                      {"name": "bob", "groups": ["ops"], "sshAuthorizedKeys": ["$key2"]}]},
 "storage": {"files": [
   {"path": "/etc/motd", "contents": {"source": "data:,from%20ignition%0A"}, "mode": 416},
   {"path": "/srv/gz", "contents": {"compression": "gzip", "source": "data:;base64,H4sIAAAAAAACA8tIzcnJV0ivyizgAgA5fGNWCwAAAA=="}}]},
 "systemd": {"units": [{"name": "ign.service", "enabled": true,
   "contents": "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n",
   "dropins": [{"name": "10-nice.conf", "contents": "[Service]\nNice=5\n"}]}]}}
EOT
echo "berth.config=$T/ign.json" > "$T/cmdline"
run > "$T/run6" 2>&1 || { cat "$T/run6"; fail "berth-provision failed on an Ignition document"; }
assert_contains "$T/run6" "configuration from berth.config=$T/ign.json"
assert_contains "$R/var/home/core/.ssh/authorized_keys" "$key1" "core's authorized_keys (Ignition)"
assert_contains "$R/var/home/bob/.ssh/authorized_keys" "$key2" "bob's authorized_keys (Ignition)"
grep -q '^ops:x:[0-9]*:bob$' "$R/etc/group" || { cat "$R/etc/group"; fail "bob is not in a new group ops"; }
[ "$(cat "$R/etc/motd")" = "from ignition" ] && [ "$(stat -c %a "$R/etc/motd")" = 640 ] || fail "/etc/motd from Ignition: content or mode"
[ "$(cat "$R/srv/gz")" = "hello gzip" ] || fail "the gzip'd file was not decompressed"
assert_contains "$R/etc/berth/units/ign.service" "ExecStart=/bin/sleep 1000"
assert_contains "$R/etc/berth/units/ign.service.d/10-nice.conf" "Nice=5"
[ -L "$R/etc/berth/units/multi-user.target.wants/ign.service" ] || fail "ign.service was not enabled"
until_state ign.service active || fail "ign.service is $(ctl is-active ign.service), not active"
ok "Ignition: user, keys, group, files and an enabled unit with its drop-in applied"


# A part that fails (a file whose owner does not exist) is said, and the rest
# applies; the record is made all the same, so that the next boot does not
# append the same text twice. A file appended to keeps its mode. A new user
# whose name a group has already gets that group as its primary group, unless
# it is a system group (gid below 1000), as useradd refuses. A file too large to be read is not appended to
# (appending to nothing would replace it). A masked unit is a link to
# /dev/null; a unit file of the administrator's is not masked over.
R=$T/root6
mkdir -p "$R/etc/berth/units" "$R/srv"
cp "$TOPDIR/rootfs/skeleton/etc/passwd" "$TOPDIR/rootfs/skeleton/etc/group" "$TOPDIR/rootfs/skeleton/etc/shadow" "$R/etc/"
printf 'first\n' > "$R/srv/log"
chmod 600 "$R/srv/log"
truncate -s 65M "$R/srv/big"
printf '[Service]\nExecStart=/bin/true\n' > "$R/etc/berth/units/mine.service"
printf 'carol:x:2345:\nwheel:x:10:\n' >> "$R/etc/group"
cat > "$T/partial" <<EOT2
#cloud-config
users:
  - name: carol
  - name: wheel
write_files:
  - path: /srv/owned
    content: x
    owner: nobody-here
  - path: /srv/log
    content: "second\n"
    append: true
  - path: /srv/big
    content: "more\n"
    append: true
coreos:
  units:
    - name: update-engine.service
      command: stop
      mask: true
    - name: mine.service
      mask: true
    - name: 00-eth0.network
      content: "[Match]\nName=eth0\n"
EOT2
echo "berth.config=$T/partial" > "$T/cmdline"
if run --init-socket "" > "$T/run7" 2>&1; then cat "$T/run7"; fail "a configuration with failed parts exited 0"; fi
assert_contains "$T/run7" "/srv/owned: owner nobody-here: no user nobody-here; not written"
assert_contains "$T/run7" "/srv/big: cannot read it to append to it: File too large; not written"
assert_contains "$T/run7" "mine.service: cannot mask it: /etc/berth/units/mine.service is a unit file; not masked"
assert_contains "$T/run7" "00-eth0.network: not a unit type Berth runs"
assert_contains "$T/run7" "user wheel: a system group wheel (gid 10) exists; not added"
assert_contains "$T/run7" "4 part(s) of the configuration from berth.config=$T/partial could not be applied"
[ "$(stat -c %s "$R/srv/big")" = 68157440 ] && [ ! -s "$R/srv/big.tmp" ] || fail "the file too large to read was changed"
[ "$(readlink "$R/etc/berth/units/update-engine.service")" = /dev/null ] || fail "update-engine.service was not masked"
assert_contains "$R/etc/berth/units/mine.service" "ExecStart=/bin/true"
[ ! -e "$R/etc/berth/units/00-eth0.network" ] || fail "a .network unit was written"
assert_contains "$R/var/lib/berth/provision/done" "berth.config=$T/partial, 4 part(s) failed"
! grep -q '^wheel:' "$R/etc/passwd" || fail "a user wheel was made with the system group's gid"
run --init-socket "" > "$T/run8" 2>&1 || { cat "$T/run8"; fail "the second run failed"; }
assert_contains "$T/run8" "nothing to do"
[ "$(cat "$R/srv/log")" = "first
second" ] || fail "/srv/log after two boots: $(cat "$R/srv/log")"
grep -q '^carol:x:[0-9]*:2345:' "$R/etc/passwd" || fail "carol's primary group is not the group carol there already: $(grep ^carol "$R/etc/passwd")"
[ "$(grep -c '^carol:' "$R/etc/group")" = 1 ] || fail "a second group carol was made"
[ "$(stat -c %a "$R/srv/log")" = 600 ] || fail "/srv/log, appended to, lost its mode 600: $(stat -c %a "$R/srv/log")"
ok "failed parts said, the rest applied once; no append to a file it cannot read; masking"

# A line of /etc/group too long to edit is never cut: the file stays whole.
R=$T/root7
mkdir -p "$R/etc"
cp "$TOPDIR/rootfs/skeleton/etc/passwd" "$TOPDIR/rootfs/skeleton/etc/shadow" "$R/etc/"
{ cat "$TOPDIR/rootfs/skeleton/etc/group"; printf 'big:x:4000:%s\n' "$(seq -s , 1 2000)"; } > "$R/etc/group"
cp "$R/etc/group" "$T/group.before"
printf '#cloud-config\nusers:\n  - name: bob\n    groups: [big]\n' > "$T/longline"
echo "berth.config=$T/longline" > "$T/cmdline"
if run --init-socket "" > "$T/run9" 2>&1; then cat "$T/run9"; fail "a group line too long to edit was accepted"; fi
assert_contains "$T/run9" "$R/etc/group: line $(wc -l < "$T/group.before") is longer than 8128 bytes; not changed"
cmp -s "$R/etc/group" "$T/group.before" || fail "/etc/group was changed"
ok "a line too long to edit: said, the file left whole"

# Masking with init: a running unit of the image's, masked with command: stop,
# is stopped; a unit Berth does not have (CoreOS's
# update-engine.service) is masked without a failure. The test init reads the
# first root's units.
printf '[Service]\nExecStart=/bin/sleep 1000\n' > "$T/base/busy.service"
ctl daemon-reload || fail "daemon-reload failed"
ctl start busy.service || fail "busy.service did not start"
R=$T/root8
mkdir -p "$R/etc/berth"
cp "$TOPDIR/rootfs/skeleton/etc/passwd" "$TOPDIR/rootfs/skeleton/etc/group" "$TOPDIR/rootfs/skeleton/etc/shadow" "$R/etc/"
ln -s "$T/root/etc/berth/units" "$R/etc/berth/units"
printf '#cloud-config\ncoreos:\n  units:\n    - name: busy.service\n      command: stop\n      mask: true\n    - name: update-engine.service\n      command: stop\n      mask: true\n' > "$T/mask"
echo "berth.config=$T/mask" > "$T/cmdline"
run > "$T/run10" 2>&1 || { cat "$T/run10"; fail "masking with command: stop failed"; }
[ "$(readlink "$T/root/etc/berth/units/busy.service")" = /dev/null ] || fail "busy.service was not masked"
until_state busy.service inactive || fail "the masked busy.service is $(ctl is-active busy.service), not inactive"
ok "a running unit masked with command: stop is stopped; a unit init does not have is masked without a failure"

# /etc/group is read by whole lines: the end of a long line (past 1 KiB) that
# reads like "dave" is not taken for a group dave.
R=$T/root9
mkdir -p "$R/etc"
cp "$TOPDIR/rootfs/skeleton/etc/passwd" "$TOPDIR/rootfs/skeleton/etc/shadow" "$R/etc/"
{ cat "$TOPDIR/rootfs/skeleton/etc/group"; printf 'big:x:4000:%s,dave\n' "$(head -c 1011 /dev/zero | tr '\0' a)"; } > "$R/etc/group"
printf '#cloud-config\nusers:\n  - name: dave\n' > "$T/dave"
echo "berth.config=$T/dave" > "$T/cmdline"
run --init-socket "" > "$T/run11" 2>&1 || { cat "$T/run11"; fail "adding dave failed"; }
grep -q '^dave:x:1000:$' "$R/etc/group" || fail "no group dave was made: $(grep -c . "$R/etc/group") lines"
grep -q '^dave:x:1000:1000:' "$R/etc/passwd" || fail "dave's passwd line: $(grep ^dave "$R/etc/passwd")"
ok "a long group line's end is not taken for a line"
