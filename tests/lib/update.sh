# Sourced by the update tests: makes other versions of the built image as
# signed updates, serves them over HTTP on the host's loopback (the guest sees
# the host as 10.0.2.2 through QEMU's user networking), and boots a disk image
# of the test's own, which it keeps across reboots and power cuts.
eval "$(make --no-print-directory -C "$TOPDIR" O="$O" printvars \
	VARS='BERTH_BOARD BERTH_UPDATE_KEY BERTH_VERSION' | sed "s/=\(.*\)/='\1'/")"
UPDATE_SRV=$T/srv
mkdir -p "$UPDATE_SRV"
# The version after V1, and so on: RELEASE.BUILD+1.
V1=$(sed -n 's/^VERSION_ID=//p' "$O/build/rootfs/usr/lib/os-release")
_build=$(echo "$V1" | cut -d+ -f1 | cut -d. -f3)
_rel=$(echo "$V1" | cut -d. -f1-2)
next_version() { echo "$_rel.$((_build + $1))+test$1"; }

# mkversion VERSION [FUNCTION]: the image's root filesystem as VERSION, changed
# by FUNCTION (given the tree), packed and hashed into $T/VERSION.slot, and
# signed (sign_update) as the server's current update.
mkversion() {
	_root=$T/root-$1
	rm -rf "$_root"
	cp -a "$O/build/rootfs" "$_root"
	sed -i -e "s/^VERSION_ID=.*/VERSION_ID=$1/" -e "s/^PRETTY_NAME=.*/PRETTY_NAME=\"Berth $1\"/" \
		"$_root/usr/lib/os-release"
	[ -z "${2:-}" ] || "$2" "$_root"
	mksquashfs "$_root" "$T/$1.sqfs" -noappend -quiet -no-progress -comp xz -Xbcj x86 -all-root \
		-processors 2 >/dev/null || fail "mksquashfs failed for $1"
	"$TOPDIR/scripts/mkslot" "$T/$1.sqfs" "$T/$1.slot" "$T/$1.verity" || fail "mkslot failed for $1"
	rm -rf "$_root" "$T/$1.sqfs"
	sign_update "$1" "$1"
}
# sign_update VERSION SLOT_VERSION [DIR]: the slot image of SLOT_VERSION as the
# update VERSION in DIR (default UPDATE_SRV), its path in $UPDATE_FILE. Env: KEY
# (default the build's key), BOARD (default the build's board).
sign_update() {
	BERTH_BOARD=${BOARD:-$BERTH_BOARD} BERTH_VERSION=$1 "$TOPDIR/scripts/mkupdate" "${3:-$UPDATE_SRV}" \
		"$T/$2.slot" "$T/$2.verity" "${KEY:-$BERTH_UPDATE_KEY}" >/dev/null || fail "mkupdate failed for $1"
	UPDATE_FILE=${3:-$UPDATE_SRV}/${BOARD:-$BERTH_BOARD}/berth-${BOARD:-$BERTH_BOARD}-$1.update
}

# update_server: python's static HTTP server on UPDATE_SRV; URL for the guest
# in $UPDATE_URL.
update_server() {
	_port=$((20000 + ($$ + 7) % 20000))
	python3 -m http.server --bind 127.0.0.1 --directory "$UPDATE_SRV" "$_port" >"$T/http.log" 2>&1 &
	_http=$!
	on_exit "kill $_http 2>/dev/null"
	for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$_port/" && break; sleep 0.1; done
	UPDATE_URL=http://10.0.2.2:$_port
}

# boot_disk DISK: QEMU on DISK itself (no copy), rebooting when the guest does,
# with user networking.
boot_disk() {
	# shellcheck disable=SC2046
	qemu_start_cmd qemu-system-x86_64 $("$TOPDIR/scripts/qemu-accel" "$IMAGES_DIR/bzImage") \
		-m 512 -smp 2 -nographic -drive "file=$1,format=raw,if=virtio" \
		-netdev user,id=n0 -device virtio-net-pci,netdev=n0
}

# ready_count: how many times the console said "berth: ready".
ready_count() { grep -ac "^berth: ready" "$QEMU_OUT"; }
# wait_ready N [SECONDS]: until the Nth ready line and that boot's root shell.
wait_ready() {
	_end=$(( $(date +%s) + ${2:-120} ))
	while [ "$(ready_count)" -lt "$1" ]; do
		kill -0 "$QEMU_PID" 2>/dev/null || { tail -n 30 "$QEMU_OUT" >&2; fail "QEMU exited before ready #$1"; }
		[ "$(date +%s)" -lt $_end ] || { tail -n 30 "$QEMU_OUT" >&2; fail "no ready #$1 within ${2:-120}s"; }
		sleep 0.2
	done
	# This boot's shell: its autologin, then its first prompt after that.
	until awk -v n="$1" '/berth: autologin as root/ { seen++ } seen >= n && /:~# / { found = 1 } END { exit !found }' \
		"$QEMU_OUT"; do
		[ "$(date +%s)" -lt $_end ] || fail "no shell after autologin #$1"
		sleep 0.2
	done
	_qemu_shell=1
	ok "ready #$1: $(grep -a "^berth: ready" "$QEMU_OUT" | tail -n 1 | tr -d '\r')"
}
# last_ready_is VERSION SLOT
last_ready_is() {
	grep -a "^berth: ready" "$QEMU_OUT" | tail -n 1 | tr -d '\r' | grep -q "^berth: ready $1 .* slot=$2$" ||
		fail "the last boot is not $1 on slot $2: $(grep -a "^berth: ready" "$QEMU_OUT" | tail -n 1)"
	ok "running $1 on slot $2"
}

# until_says LABEL COMMAND TEXT: a line of COMMAND's output in the guest (each
# prefixed "LABEL: "; not the echo of the typed command) has TEXT, asked every
# 2 s for a minute.
until_says() {
	for _ in $(seq 30); do
		_from=$(($(wc -l < "$QEMU_OUT") + 1))
		qemu_run "$2 | sed 's/^/$1: /'"
		tail -n +"$_from" "$QEMU_OUT" | tr -d '\r' | grep "^$1: " | grep -qF -- "$3" && { ok "$1: $3"; return 0; }
		sleep 2
	done
	fail "never said ($1): $3"
}
# until_status TEXT: updatectl status says TEXT.
until_status() { until_says status "updatectl status" "$1"; }
# until_logged TEXT: the agent's log (on STATE) has TEXT.
until_logged() { until_says logged "grep -hF '$1' /var/log/berth/update-agent.service.log | tail -n 1" "$1"; }
# boots: how many times GRUB chose a slot on the console (a reboot under way
# shows here seconds before its ready line).
boots() { grep -ac "berth: GRUB boots slot" "$QEMU_OUT"; }
# agent_restart: the agent restarted with the settings now in /etc, and answering.
agent_restart() {
	qemu_run "initctl restart update-agent.service; until updatectl status >/dev/null 2>&1; do sleep 0.2; done" 30
}
