#!/bin/sh
# A/B updates end to end (docs/update.md), on one disk across reboots, with an
# update server on the host's loopback:
# 1. v1 -> v2 from the server by polling, the write throttled to WRITE_RATE and
#    the download to DOWNLOAD_RATE (each within 15%); v2 boots from slot B and
#    is marked good; status and the console show it.
# 2. v2 -> v3 goes to the other slot, A.
# 3. Bad updates, each rejected with its reason, nothing written (the slot
#    table, slot A running v3 and slot B holding a good v2): wrong signature,
#    another key, truncated, a changed byte, another board, older.
# 4. v4, whose critical unit fails, is not marked good: the node reboots into
#    v3 by itself, reports the failed update, and does not take v4 again.
# 5. v5 over HTTPS (refused until the server's CA is in the node's bundle),
#    with the reboot strategy off; once v5 is good, one byte of its slot is
#    changed: dm-verity stops its boots, and after 3 of them GRUB gives the
#    other slot its turn: the node is back on v3 and says why.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/update.sh"
V2=$(next_version 1) V3=$(next_version 2) V4=$(next_version 3) V5=$(next_version 4) VBAD=$(next_version 9)

mkversion "$V2"
update_server
# The HTTPS server's certificate, and another CA's, made before the node's clock
# starts (it must not be in the certificates' future).
for name in tls other-ca; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=10.0.2.2 -days 2 \
		-keyout "$T/$name.key" -out "$T/$name.crt" 2>/dev/null || fail "openssl made no certificate"
done
cp --sparse=always "$IMAGES_DIR/disk.img" "$T/disk.img"
boot_disk "$T/disk.img"
wait_ready 1
last_ready_is "$V1" A

# 1. v1 -> v2 by polling, throttled.
qemu_run "printf 'SERVER=$UPDATE_URL\nINTERVAL=5\nWRITE_RATE=1M\nDOWNLOAD_RATE=2M\n' > /etc/berth/update.conf"
agent_restart
qemu_run "cat /sys/fs/cgroup/system/update-agent.service/io.max | sed 's/^/io.max: /'"
grep -aq "^io.max: [0-9]*:0 .*wbps=1048576" "$QEMU_OUT" || fail "the agent's cgroup has no wbps=1048576 in io.max"
wait_ready 2 180
last_ready_is "$V2" B
until_status "slot B: version $V2, priority 2, good"
until_status "running: slot B, version $V2"
until_status "last update: "
until_status "updated to $V2 (slot B), healthy"
assert_not_contains "$QEMU_OUT" "not throttled"
# The write: the agent's own figure, and init's timestamps of its log lines.
qemu_run "grep -hE ' (writing|wrote|downloaded) ' /var/log/berth/update-agent.service.log | sed 's/^/io: /'"
tr -d '\r' < "$QEMU_OUT" | grep "^io: " > "$T/io"
cat "$T/io"
rate=$(sed -n 's/^io: .* wrote .*(\([0-9]*\) KiB\/s)$/\1/p' "$T/io" | tail -n 1)
[ -n "$rate" ] || fail "the agent logged no write rate"
[ "$rate" -ge 870 ] && [ "$rate" -le 1178 ] || fail "wrote at $rate KiB/s with WRITE_RATE=1M (1024 KiB/s +-15%)"
t0=$(grep " writing " "$T/io" | tail -n 1 | cut -d' ' -f2) t1=$(grep " wrote " "$T/io" | tail -n 1 | cut -d' ' -f2)
kib=$(grep " wrote " "$T/io" | tail -n 1 | sed 's/.* wrote \([0-9]*\) KiB.*/\1/')
secs=$(( $(date -d "$t1" +%s) - $(date -d "$t0" +%s) ))
[ "$secs" -ge $((kib * 85 / 100 / 1024)) ] || fail "init's log says the write of $kib KiB took $secs s"
ok "written at $rate KiB/s with WRITE_RATE=1M ($kib KiB in $secs s by init's log)"
rate=$(sed -n 's/^io: .* downloaded .*(\([0-9]*\) KiB\/s)$/\1/p' "$T/io" | tail -n 1)
[ -n "$rate" ] || fail "the agent logged no download rate"
# Never above the limit; below it, QEMU's user network under TCG on a busy
# host may itself be the bottleneck, so only half of it is required.
[ "$rate" -ge 1024 ] && [ "$rate" -le 2355 ] || fail "downloaded at $rate KiB/s with DOWNLOAD_RATE=2M (2048 KiB/s, at most +15%)"
ok "downloaded at $rate KiB/s with DOWNLOAD_RATE=2M"

# 2. v3 goes to slot A.
mkversion "$V3"
wait_ready 3 180
last_ready_is "$V3" A
until_status "slot A: version $V3, priority 3, good"
until_status "slot B: version $V2, priority 2, good"

# 3. Bad updates, made from v2's slot as a version newer than v3.
qemu_run "printf 'INTERVAL=5\n' > /etc/berth/update.conf"
agent_restart
bad=$UPDATE_SRV/bad
mkdir -p "$bad"
"$TOPDIR/scripts/update-key" "$T/other.pem" >/dev/null 2>&1
KEY=$T/other.pem sign_update "$VBAD" "$V2" "$T/k" && mv "$UPDATE_FILE" "$bad/wrong-key.update"
BOARD=other-board sign_update "$VBAD" "$V2" "$T/b" && mv "$UPDATE_FILE" "$bad/wrong-board.update"
sign_update 0.0.1 "$V2" "$T/o" && mv "$UPDATE_FILE" "$bad/older.update"
sign_update "$VBAD" "$V2" "$T/g"
flip() { # FILE OFFSET: one byte changed
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %03o $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
cp "$UPDATE_FILE" "$bad/wrong-signature.update" && flip "$bad/wrong-signature.update" 40
cp "$UPDATE_FILE" "$bad/truncated.update" && truncate -s -4096 "$bad/truncated.update"
cp "$UPDATE_FILE" "$bad/changed-byte.update" && flip "$bad/changed-byte.update" $((4096 + 300000))
sums='mount /dev/vda2 /mnt && sha256sum /mnt/boot/grub/grubenv | cut -c1-64 | sed "s/^/sums-$1: env /"; umount /mnt; for p in vda3 vda4; do head -c 67108864 /dev/$p | sha256sum | cut -c1-64 | sed "s/^/sums-$1: $p /"; done'
qemu_run "set -- before; $sums" 60
for case in "wrong-signature:the manifest's signature does not verify with this node's update key" \
	"wrong-key:the manifest's signature does not verify with this node's update key" \
	"truncated:truncated: " "changed-byte:the slot image's sha256 is" \
	"wrong-board:it is for the board other-board, and this node is $BERTH_BOARD" \
	"older:version 0.0.1 is older than the running $V3"; do
	name=${case%%:*} why=${case#*:}
	qemu_run "updatectl apply $UPDATE_URL/bad/$name.update > /tmp/out 2>&1; echo \"rc=\$?\" >> /tmp/out; sed 's/^/$name: /' /tmp/out" 60
	grep -a "^$name: error: update rejected: " "$QEMU_OUT" | grep -qF -- "$why" || fail "$name: not rejected with: $why"
	assert_contains "$QEMU_OUT" "$name: rc=1"
done
qemu_run "set -- after; $sums" 60
for what in env vda3 vda4; do
	before=$(tr -d '\r' < "$QEMU_OUT" | sed -n "s/^sums-before: $what //p")
	after=$(tr -d '\r' < "$QEMU_OUT" | sed -n "s/^sums-after: $what //p")
	[ ${#before} = 64 ] && [ "$before" = "$after" ] || fail "$what changed: $before -> $after"
done
until_status "slot B: version $V2, priority 2, good"
ok "the bad updates left the slot table and both slots as they were"

# 4. v4's critical unit fails.
qemu_run "printf 'SERVER=$UPDATE_URL\nINTERVAL=5\n' > /etc/berth/update.conf"
agent_restart
critical_fails() {
	printf '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/false\n[Install]\nWantedBy=multi-user.target\n' \
		> "$1/usr/lib/berth/units/critical.service"
	ln -s ../critical.service "$1/usr/lib/berth/units/multi-user.target.wants/critical.service"
	echo 'CRITICAL_UNITS=critical.service' >> "$1/usr/lib/berth/update.conf"
}
mkversion "$V4" critical_fails
wait_ready 4 180
last_ready_is "$V4" B
wait_ready 5 180
last_ready_is "$V3" A
until_status "update to $V4 failed: the critical unit critical.service is failed; rolled back to $V3"
until_status "slot B: version $V4, not bootable"
n=$(boots)
until_logged "no update: $V4 failed on this node before"
sleep 15
[ "$(boots)" = "$n" ] || fail "the node took v4 again"
ok "v4 is not taken again"

# 5. v5 over HTTPS, strategy off; then a changed byte in its good slot.
qemu_run "printf 'REBOOT_STRATEGY=off\n' > /etc/berth/update.conf"
agent_restart
mkversion "$V5"
tport=$((_port + 1))
python3 -c '
import http.server, ssl, sys, functools
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
s = http.server.HTTPServer(("127.0.0.1", int(sys.argv[2])), h)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain(sys.argv[3], sys.argv[4])
s.socket = c.wrap_socket(s.socket, server_side=True)
s.serve_forever()' "$UPDATE_SRV" "$tport" "$T/tls.crt" "$T/tls.key" >"$T/https.log" 2>&1 &
https_pid=$!
on_exit "kill $https_pid 2>/dev/null"
for _ in $(seq 50); do curl -ks -o /dev/null "https://127.0.0.1:$tport/" && break; sleep 0.1; done
curl -ks -o /dev/null "https://127.0.0.1:$tport/" || { cat "$T/https.log"; fail "the HTTPS server did not start"; }
v5url=https://10.0.2.2:$tport/$BERTH_BOARD/berth-$BERTH_BOARD-$V5.update
ca_bundle() { # CERT: the node's CA bundle is that certificate alone
	qemu_run "mkdir -p /etc/ssl/certs && printf '%s\n' $(sed "s/.*/'&'/" "$1" | tr '\n' ' ') > /etc/ssl/certs/ca-certificates.crt"
}
ca_bundle "$T/other-ca.crt"
qemu_run "updatectl apply $v5url 2>&1 | sed 's/^/untrusted: /'" 60
grep -aF "untrusted: error: GET $v5url: " "$QEMU_OUT" | grep -q "Cert verify failed: .*NOT_TRUSTED" ||
	{ grep -a "untrusted: " "$QEMU_OUT"; fail "an HTTPS server with an unknown CA was not refused for its certificate"; }
ok "HTTPS: a certificate from an unknown CA is refused"
ca_bundle "$T/tls.crt"
qemu_run "updatectl apply $v5url | sed 's/^/apply-v5: /'" 120
assert_contains "$QEMU_OUT" "apply-v5: slot B holds $V5 and boots next"
assert_contains "$QEMU_OUT" "apply-v5: reboot strategy off: reboot to run the update"
sleep 5
[ "$(ready_count)" = 5 ] || fail "rebooted with the reboot strategy off"
qemu_run "initctl reboot"
wait_ready 6 180
last_ready_is "$V5" B
until_status "slot B: version $V5, priority 4, good"
# One byte of the running, good slot: its squashfs superblock's time, which
# GRUB does not read; Linux reads it first, under dm-verity.
qemu_run "b=\$(od -An -tu1 -j 8 -N1 /dev/vda4 | tr -d ' '); printf \"\\\\\$(printf %03o \$((b ^ 1)))\" | dd of=/dev/vda4 bs=1 seek=8 conv=notrunc 2>/dev/null; sync; initctl reboot"
wait_ready 7 240
grep -aqE "device-mapper: verity: .*data block 0 is corrupted" "$QEMU_OUT" || fail "no dm-verity error for the changed block"
tries=$(awk '/^berth: ready/ { r++ } r == 6 && /berth: loading slot B/ { n++ } END { print n + 0 }' "$QEMU_OUT")
[ "$tries" -ge 3 ] || fail "GRUB tried the damaged slot $tries times, not 3"
last_ready_is "$V3" A
until_status "slot B ($V5) failed 3 boots in a row (damaged?); running $V3 from slot A"
qemu_send poweroff
qemu_exit_wait 60
