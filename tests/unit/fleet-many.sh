#!/bin/sh
# fleet past fleet's own advice (100 nodes, 1,000 units), on the host: a real
# etcd cluster of three, 100 fleet nodes (each an init in test mode and a
# fleetd), 1,000 instances of a template started with one fleetctl start:
# all launched, ten on each machine; ten machines die and their units run
# elsewhere, the others' units untouched. Prints "bench:" lines.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/fleet.sh"
machines=${FLEET_MANY_MACHINES:-100} units=${FLEET_MANY_UNITS:-1000}
etcd_cluster
t0=$(date +%s.%N)
for i in $(seq "$machines"); do fleet_node "n$i"; done
until_true 60 sh -c "[ \"\$($fleetctl_bin --endpoint $ETCD_EPS list-machines --no-legend | wc -l)\" = $machines ]" ||
	fail "$machines machines did not register: $($fleetctl_bin --endpoint "$ETCD_EPS" list-machines --no-legend | wc -l)"
echo "bench: fleet $machines machines up and registered: $(echo "$(date +%s.%N) - $t0" | bc) s"
sleeper "many@.service"
names=$(seq -f "many@%g.service" 1 "$units")
t0=$(date +%s.%N)
# shellcheck disable=SC2086
(cd "$T/units" && fleetctl start $names) > "$T/start.out" 2>&1 || { tail "$T/start.out"; fail "fleetctl start of $units units failed"; }
secs=$(echo "$(date +%s.%N) - $t0" | bc)
[ "$(grep -c "launched on" "$T/start.out")" = "$units" ] || fail "not $units 'launched on' lines"
echo "bench: fleet start $units units on $machines machines: $secs s"
per=$((units / machines))
for i in $(seq "$machines"); do
	n=$(node_ctl "n$i" list | grep -c "^many@.*active")
	[ "$n" -ge $((per - 1)) ] && [ "$n" -le $((per + 1)) ] || fail "n$i runs $n of $units units, not about $per"
done
ok "$units units on $machines machines, about $per each, in $secs s"

# Ten machines die: their units run elsewhere; no other unit is started again.
for i in $(seq 10); do node_kill "n$i"; done
t0=$(date +%s.%N)
alive() {
	for i in $(seq 11 "$machines"); do node_ctl "n$i" list; done | grep -c "^many@.*active"
}
until_true 90 sh -c "[ \"\$(for i in \$(seq 11 $machines); do $ctl -s $T/node-n\$i/init.sock list; done | grep -c '^many@.*active')\" = $units ]" ||
	fail "the dead machines' units do not all run elsewhere: $(alive) of $units"
echo "bench: fleet reschedule after 10 of $machines machines died: $(echo "$(date +%s.%N) - $t0" | bc) s (agent TTL ${FLEET_TTL:-5} s)"
restarted=$(cat "$T"/starts/* | wc -l)
moved=$(( restarted - units ))
[ "$moved" -ge $(( 10 * (per - 1) )) ] && [ "$moved" -le $(( 10 * (per + 1) )) ] ||
	fail "$moved starts beyond the first $units: not just the dead machines' units"
ok "ten dead machines' units ($moved) run elsewhere; no other unit started again"
