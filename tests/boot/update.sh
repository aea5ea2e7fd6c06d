#!/bin/sh
# A/B updates end to end (docs/update.md), on one disk across reboots, with an
# update server on the host's loopback:
# 1. Bad updates, each rejected with its reason, nothing written: wrong
#    signature, another key, truncated, a changed byte, another board, older.
# 2. v1 -> v2 from the server by polling, the write throttled to WRITE_RATE and
#    the download to DOWNLOAD_RATE (each within 15%); v2 boots from slot B and
#    is marked good.
# 3. v2 -> v3 goes to the other slot, A.
# 4. v4, whose critical unit fails, is not marked good: the node reboots into
#    v3 by itself, reports the failed update, and does not take v4 again.
# 5. v5 over HTTPS (refused until the server's CA is in the node's bundle),
#    written with the reboot strategy off, then one byte of its slot changed:
#    dm-verity stops its boot, and the node is back on v3.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/update.sh"
V2=$(next_version 1) V3=$(next_version 2) V4=$(next_version 3) V5=$(next_version 4)

# The updates: v2, and bad ones made from it.
mkversion "$V2"
bad=$UPDATE_SRV/bad
mkdir -p "$bad"
"$TOPDIR/scripts/update-key" "$T/other.pem" >/dev/null 2>&1
KEY=$T/other.pem sign_update "$V2" "$V2" "$T/k" && mv "$UPDATE_FILE" "$bad/wrong-key.update"
BOARD=other-board sign_update "$V2" "$V2" "$T/b" && mv "$UPDATE_FILE" "$bad/wrong-board.update"
sign_update 0.0.1 "$V2" "$T/o" && mv "$UPDATE_FILE" "$bad/older.update"
sign_update "$V2" "$V2"
v2file=$UPDATE_FILE
flip() { # FILE OFFSET: one byte changed
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %03o $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
cp "$v2file" "$bad/wrong-signature.update" && flip "$bad/wrong-signature.update" 40
cp "$v2file" "$bad/truncated.update" && truncate -s -4096 "$bad/truncated.update"
cp "$v2file" "$bad/changed-byte.update" && flip "$bad/changed-byte.update" $((4096 + 300000))
update_server

cp --sparse=always "$IMAGES_DIR/disk.img" "$T/disk.img"
boot_disk "$T/disk.img"
wait_ready 1
last_ready_is "$V1" A

# 1. Bad updates.
sums='mount /dev/vda2 /mnt && sha256sum /mnt/boot/grub/grubenv | cut -c1-64 | sed "s/^/sums-$1: env /"; umount /mnt; for p in vda3 vda4; do head -c 67108864 /dev/$p | sha256sum | cut -c1-64 | sed "s/^/sums-$1: $p /"; done'
qemu_run "set -- before; $sums" 60
for case in "wrong-signature:the manifest's signature does not verify with this node's update key" \
	"wrong-key:the manifest's signature does not verify with this node's update key" \
	"truncated:truncated: " "changed-byte:the slot image's sha256 is" \
	"wrong-board:it is for the board other-board, and this node is $BERTH_BOARD" \
	"older:version 0.0.1 is older than the running $V1"; do
	name=${case%%:*} why=${case#*:}
	qemu_run "updatectl apply $UPDATE_URL/bad/$name.update > /tmp/out 2>&1; echo \"rc=\$?\" >> /tmp/out; sed 's/^/$name: /' /tmp/out" 60
	assert_contains "$QEMU_OUT" "$name: error: update rejected: $why"
	assert_contains "$QEMU_OUT" "$name: rc=1"
done
qemu_run "set -- after; $sums" 60
for what in "env" "vda3" "vda4"; do
	before=$(tr -d '\r' < "$QEMU_OUT" | sed -n "s/^sums-before: $what //p")
	after=$(tr -d '\r' < "$QEMU_OUT" | sed -n "s/^sums-after: $what //p")
	[ ${#before} = 64 ] && [ "$before" = "$after" ] || fail "$what changed: $before -> $after"
	[ "$before" != e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 ] || fail "$what: nothing was read"
done
ok "the bad updates left the slot table and both slots as they were"

# 2. v1 -> v2 by polling, throttled to 1 MiB/s.
qemu_run "mkdir -p /etc/berth && printf 'SERVER=$UPDATE_URL\nINTERVAL=5\nWRITE_RATE=1M\nDOWNLOAD_RATE=2M\n' > /etc/berth/update.conf && initctl restart update-agent.service"
wait_ready 2 180
last_ready_is "$V2" B
until_status "slot B: version $V2, priority 2, good"
until_status "running: slot B, version $V2"
qemu_run "grep -h ' wrote ' /var/log/berth/update-agent.service.log | sed 's/^[^ ]* wrote/written:/'"
rate=$(tr -d '\r' < "$QEMU_OUT" | sed -n 's/^written: .*(\([0-9]*\) KiB\/s)$/\1/p' | tail -n 1)
[ -n "$rate" ] || fail "the agent logged no write rate"
[ "$rate" -ge 870 ] && [ "$rate" -le 1178 ] || fail "wrote at $rate KiB/s with WRITE_RATE=1M (1024 KiB/s +-15%)"
ok "written at $rate KiB/s with WRITE_RATE=1M"
qemu_run "grep -h ' downloaded ' /var/log/berth/update-agent.service.log | sed 's/^[^ ]* downloaded/downloaded:/'"
rate=$(tr -d '\r' < "$QEMU_OUT" | sed -n 's/^downloaded: .*(\([0-9]*\) KiB\/s)$/\1/p' | tail -n 1)
[ -n "$rate" ] || fail "the agent logged no download rate"
[ "$rate" -ge 1740 ] && [ "$rate" -le 2355 ] || fail "downloaded at $rate KiB/s with DOWNLOAD_RATE=2M (2048 KiB/s +-15%)"
ok "downloaded at $rate KiB/s with DOWNLOAD_RATE=2M"

# 3. v3 goes to slot A.
mkversion "$V3"
wait_ready 3 180
last_ready_is "$V3" A
until_status "slot A: version $V3, priority 3, good"

# 4. v4's critical unit fails.
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
until_status "last update: "
until_status "update to $V4 failed: the critical unit critical.service is failed; rolled back to $V3"
sleep 8
qemu_run "grep -h 'no update' /var/log/berth/update-agent.service.log | tail -n 1 | sed 's/^[^ ]* no update: /skipped: /'"
assert_contains "$QEMU_OUT" "skipped: $V4 failed on this node before"
[ "$(ready_count)" = 5 ] || fail "the node took v4 again"

# 5. v5, then a changed byte in its slot.
mkversion "$V5"
# An HTTPS server for it, with a certificate of a CA the node does not know yet.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=10.0.2.2 -days 2 \
	-keyout "$T/tls.key" -out "$T/tls.crt" 2>/dev/null || fail "openssl made no certificate"
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
v5url=https://10.0.2.2:$tport/$BERTH_BOARD/berth-$BERTH_BOARD-$V5.update
qemu_run "printf 'REBOOT_STRATEGY=off\n' > /etc/berth/update.conf && initctl restart update-agent.service && sleep 1; updatectl apply $v5url 2>&1 | sed 's/^/untrusted: /'" 60
grep -aF "untrusted: error: GET $v5url: " "$QEMU_OUT" | grep -q "[Cc]ertificate" ||
	fail "an HTTPS server with an unknown CA was not refused for its certificate"
ok "HTTPS: a certificate from an unknown CA is refused"
qemu_run "mkdir -p /etc/ssl/certs && printf '%s\n' $(sed "s/.*/'&'/" "$T/tls.crt" | tr '\n' ' ') > /etc/ssl/certs/ca-certificates.crt"
qemu_run "updatectl apply $v5url | sed 's/^/apply-v5: /'" 120
assert_contains "$QEMU_OUT" "apply-v5: slot B holds $V5 and boots next"
assert_contains "$QEMU_OUT" "apply-v5: reboot strategy off: reboot to run the update"
qemu_run "printf '\\377' | dd of=/dev/vda4 bs=1 seek=8 conv=notrunc 2>/dev/null; sync; initctl reboot"
wait_ready 6 180
grep -aqE "device-mapper: verity: .*data block 0 is corrupted" "$QEMU_OUT" || fail "no dm-verity error for the changed block"
last_ready_is "$V3" A
until_status "update to $V5 failed: it did not boot to a healthy system; rolled back to $V3"
qemu_send poweroff
qemu_exit_wait 60
