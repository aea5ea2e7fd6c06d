#!/bin/sh
# Power cuts during updates: POWERCUT_RUNS times (10 in make check, 50 in make
# bench), an update is started and QEMU is killed at a random moment of it
# (download, checks, the throttled write, the read-back, the switch, the
# reboot, the new slot's trial boot before it is marked good); every
# time, the next boot reaches ready on a slot that is, or becomes, good, and the
# node takes the next update.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/update.sh"
runs=${POWERCUT_RUNS:-10}
V2=$(next_version 1) V3=$(next_version 2)
mkversion "$V3"
mkversion "$V2"
update_server
url() { echo "$UPDATE_URL/$BERTH_BOARD/berth-$BERTH_BOARD-$1.update"; }

cp --sparse=always "$IMAGES_DIR/disk.img" "$T/disk.img"
boot_disk "$T/disk.img"
wait_ready 1
# Slow writes (1 MiB/s), so that the cuts spread over the whole update.
qemu_run "printf 'WRITE_RATE=1M\n' > /etc/berth/update.conf"
# How long an update takes here, from the apply to the reboot into it: one
# whole update, timed (it grows with the image and with the machine).
agent_restart
t0=$(date +%s%N)
qemu_send "initctl log -f -n 0 update-agent.service & updatectl apply --allow-downgrade $(url "$V2")"
qemu_wait "update-agent.servic: rebooting into the update" 180
# The cuts spread over that, plus the reboot and the trial boot (about 5 s).
span=$(( ($(date +%s%N) - t0) / 1000000 + 5000 ))
wait_ready 2 180
until_says trial "updatectl status | grep -F 'version $V2,' | grep -o 'good\$'" good
running=$V2
echo "an update takes $((span - 5000)) ms to the reboot: cuts within ${span} ms"
phases=
for i in $(seq "$runs"); do
	target=$V2
	[ "$running" = "$V2" ] && target=$V3
	agent_restart
	# The agent's log on the console, to see how far the update got at the cut
	# (from what the console says after this line).
	from=$(($(wc -l < "$QEMU_OUT") + 1))
	qemu_send "initctl log -f -n 0 update-agent.service & updatectl apply --allow-downgrade $(url "$target")"
	# A moment within the update, each run at random within its own share of
	# the span, so that the runs cover it.
	ms=$(( (i - 1) * span / runs + $(od -An -tu4 -N4 /dev/urandom | tr -d ' ') % (span / runs) ))
	sleep "$(echo "scale=3; $ms / 1000" | bc)"
	kill -9 "$QEMU_PID" 2>/dev/null
	wait "$QEMU_PID" 2>/dev/null
	# How far the update got, from what the agent said on the console.
	phase=$(tail -n +"$from" "$QEMU_OUT" | tr -d '\r' | grep -aoE "update-agent.servic: (downloading|update .* good|writing|wrote|slot . read back|slot . holds)|rebooting into the update|berth: loading slot .|berth: ready" |
		sed 's/^update-agent.servic: //; s/^update .* good$/checked/' | tail -n 1)
	phases="$phases
${phase:-started}"
	before=$running
	echo "run $i: power cut ${ms} ms after the apply (last said: ${phase:-nothing})"
	boot_disk "$T/disk.img"
	wait_ready 1 180
	line=$(grep -a "^berth: ready" "$QEMU_OUT" | tail -n 1 | tr -d '\r')
	running=$(echo "$line" | cut -d' ' -f3)
	slot=${line##*slot=}
	good() { tr -d '\r' < "$QEMU_OUT" | grep -F "status-$i: slot $slot: version $running, priority " | grep -q ", good$"; }
	# The slot it runs from is good, or becomes good (an update that was switched
	# to before the cut boots on trial and passes the health gate).
	for _ in $(seq 30); do
		qemu_run "updatectl status | sed 's/^/status-$i: /'"
		good && break
		sleep 1
	done
	good ||
		fail "run $i: slot $slot ($running) is not marked good"
	# Cut before the switch: the old system, and no trial boot of the other slot.
	case ${phase:-started} in
	started | downloading | checked | writing | wrote)
		[ "$running" = "$before" ] || fail "run $i: cut at '$phase', and the node runs $running, not $before"
		[ "$(grep -ac "berth: loading slot" "$QEMU_OUT")" -le 2 ] || fail "run $i: a slot on trial was booted" ;;
	esac
	ok "run $i: back up on slot $slot ($running), good"
done
echo "where the cuts fell:"
echo "$phases" | sed '/^$/d' | sort | uniq -c
# They covered the write and what comes after the switch.
echo "$phases" | grep -qx "writing" || fail "no cut fell during the write"
echo "$phases" | grep -qE "^(slot . holds|rebooting into the update|berth: loading slot .|berth: ready)$" ||
	fail "no cut fell after the switch"
# And the node still updates.
target=$V2
[ "$running" = "$V2" ] && target=$V3
agent_restart
qemu_run "updatectl apply --allow-downgrade $(url "$target") | sed 's/^/final: /'" 120
assert_contains "$QEMU_OUT" "final: slot "
n=$(ready_count)
wait_ready $((n + 1)) 180
last_ready_is "$target" "$( [ "$slot" = A ] && echo B || echo A)"
qemu_send poweroff
qemu_exit_wait 60
