#!/bin/sh
# update-agent's settings (host flavour): each bad setting stops the agent with
# the file and the setting named; a later file's setting wins over an earlier
# one's, and a comment may hold quotes. updatectl: usage errors and an agent
# that is not there.
. "$TOPDIR/tests/lib/common.sh"
make --no-print-directory -C "$TOPDIR" O="$O" "$O/build/host-bin/update-agent" "$O/build/host-bin/updatectl" \
	>"$T/build.log" 2>&1 || { cat "$T/build.log"; fail "building update-agent failed"; }
agent=$O/build/host-bin/update-agent ctl=$O/build/host-bin/updatectl

bad() { # SETTINGS EXPECTED-MESSAGE
	printf '%s\n' "# the image's settings" "$1" > "$T/bad.conf"
	if "$agent" --config "$T/bad.conf" --socket "$T/agent.sock" >"$T/out" 2>&1; then
		fail "update-agent ran with: $1"
	fi
	assert_contains "$T/out" "$2"
}
bad "COLOUR=blue" "update-agent: $T/bad.conf: line 2: unknown setting COLOUR"
bad "REBOOT_STRATEGY=sometimes" "REBOOT_STRATEGY=sometimes: not reboot, etcd-lock or off"
bad "WRITE_RATE=fast" "WRITE_RATE=fast: not a rate"
bad "DOWNLOAD_RATE=5T" "DOWNLOAD_RATE=5T: not a rate"
bad "INTERVAL=0" "INTERVAL=0: not a number of 1 or more"
bad "LOCK_SLOTS=two" "LOCK_SLOTS=two: not a number of 1 or more"
bad "REBOOT_WINDOW=\"Xyz 02:00-03:00\"" "REBOOT_WINDOW=Xyz 02:00-03:00: not [DAY[,DAY...]] HH:MM-HH:MM"
bad "REBOOT_WINDOW=25:00-26:00" "REBOOT_WINDOW=25:00-26:00: not"
bad "REBOOT_WINDOW=\"Sut 02:00-04:00\"" "REBOOT_WINDOW=Sut 02:00-04:00: not"
bad "REBOOT_WINDOW=02:00-02:00" "REBOOT_WINDOW=02:00-02:00: not"
bad "REBOOT_WINDOW=\"Mon,Tue 02:00-04:00x\"" "REBOOT_WINDOW=Mon,Tue 02:00-04:00x: not"
bad "CRITICAL_UNITS=$(printf 'u%.0s' $(seq 600))" "CRITICAL_UNITS: longer than 511 characters"
bad "SERVER=ftp://updates" "SERVER=ftp://updates: not an http:// or https:// URL"
bad "SERVER=\"unclosed" "$T/bad.conf: line 2: unterminated \" quote"
# The later file wins: a good strategy in the first, a bad one in the second.
printf 'REBOOT_STRATEGY=off\n' > "$T/a.conf"
printf 'REBOOT_STRATEGY=never\n' > "$T/b.conf"
"$agent" --config "$T/a.conf" --config "$T/b.conf" --socket "$T/agent.sock" >"$T/out" 2>&1 && fail "ran with never"
assert_contains "$T/out" "REBOOT_STRATEGY=never: not"
# Good settings get past the settings: what stops the agent here is the host
# having no update key.
printf '%s\n' "# it's fine" 'REBOOT_WINDOW="Sat,Sun 23:00-01:00"' 'WRITE_RATE=512K' > "$T/good.conf"
"$agent" --config "$T/good.conf" --socket "$T/agent.sock" >"$T/out" 2>&1 && fail "ran without an update key"
[ "$(cat "$T/out")" = "update-agent: /usr/lib/berth/update.pub: no update key (64 hex digits)" ] ||
	{ cat "$T/out"; fail "good settings were refused"; }
ok "good settings pass"

# The signing key must be Ed25519.
openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:1024 -out "$T/rsa.pem" 2>/dev/null
"$TOPDIR/scripts/update-key" "$T/rsa.pem" >"$T/out" 2>&1 && fail "update-key took an RSA key"
assert_contains "$T/out" "is not an Ed25519 private key"
"$TOPDIR/scripts/update-key" "$T/new.pem" >"$T/pub" 2>"$T/out" || fail "update-key did not make a key"
assert_contains "$T/out" "made the update signing key $T/new.pem"
grep -qxE '[0-9a-f]{64}' "$T/pub" || fail "update-key printed no public key"
[ "$(stat -c %a "$T/new.pem")" = 600 ] || fail "the new key is readable by others"
ok "update-key makes and checks Ed25519 keys"

"$ctl" >"$T/out" 2>&1; [ $? = 2 ] || fail "updatectl without a command: not exit 2"
assert_contains "$T/out" "usage: updatectl"
"$ctl" apply a b >"$T/out" 2>&1; [ $? = 2 ] || fail "updatectl apply a b: not exit 2"
"$ctl" apply /no/such/file >"$T/out" 2>&1; [ $? = 1 ] || fail "updatectl apply of a missing file: not exit 1"
assert_contains "$T/out" "/no/such/file: no such file"
"$ctl" -s "$T/none.sock" status >"$T/out" 2>&1; [ $? = 1 ] || fail "updatectl without an agent: not exit 1"
assert_contains "$T/out" "cannot reach $T/none.sock"
