#!/bin/sh
# fleet at scale, on the host (real etcd cluster of three, three fleet nodes):
# 1,000 instances of a template started with one fleetctl start, timed to all
# launched; a machine dies and its units are placed elsewhere, timed; then,
# idle, fleetd's CPU and memory and the etcd requests each node makes a
# second. Prints "bench:" lines for make bench (docs/performance.md).
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/fleet.sh"
units=${FLEET_SCALE_UNITS:-1000}
etcd_cluster
for m in m1 m2 m3; do fleet_node "$m"; done
until_true 20 sh -c "[ \"\$($fleetctl_bin --endpoint $ETCD_EPS list-machines --no-legend | wc -l)\" = 3 ]" ||
	fail "three machines did not register"
sleeper "many@.service"
names=$(seq -f "many@%g.service" 1 "$units")
t0=$(date +%s.%N)
# shellcheck disable=SC2086
(cd "$T/units" && fleetctl start $names) > "$T/start.out" 2>&1 || { tail "$T/start.out"; fail "fleetctl start of $units units failed"; }
t1=$(date +%s.%N)
[ "$(grep -c "launched on" "$T/start.out")" = "$units" ] || fail "not $units 'launched on' lines"
secs=$(echo "$t1 - $t0" | bc)
echo "bench: fleet start $units units on 3 machines: $secs s"
[ "$(cat "$T"/starts/* | wc -l)" = "$units" ] || fail "$(cat "$T"/starts/* | wc -l) starts for $units units"
for m in m1 m2 m3; do
	n=$(node_ctl "$m" list | grep -c "^many@.*active")
	echo "$m runs $n"
	[ "$n" -ge $((units / 3 - 1)) ] && [ "$n" -le $((units / 3 + 1)) ] || fail "$m runs $n of $units units"
done
ok "$units units launched, spread evenly, in $secs s"

# Idle: 10 s of nothing.
sleep 2
cpu0=$(for m in m1 m2 m3; do awk '{ print $14 + $15 }' "/proc/$(cat "$T/node-$m/fleetd.pid")/stat"; done | paste -sd+ | bc)
req0=$(for p in 11 12 13; do curl -s "http://127.0.0.1:$((FLEET_BASE + p))/metrics" | awk '/^grpc_server_started_total/ { s += $2 } END { print s + 0 }'; done | paste -sd+ | bc)
sleep 10
cpu1=$(for m in m1 m2 m3; do awk '{ print $14 + $15 }' "/proc/$(cat "$T/node-$m/fleetd.pid")/stat"; done | paste -sd+ | bc)
req1=$(for p in 11 12 13; do curl -s "http://127.0.0.1:$((FLEET_BASE + p))/metrics" | awk '/^grpc_server_started_total/ { s += $2 } END { print s + 0 }'; done | paste -sd+ | bc)
hz=$(getconf CLK_TCK)
rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$(cat "$T/node-m1/fleetd.pid")/status")
echo "bench: fleetd idle CPU per node: $(echo "scale=2; ($cpu1 - $cpu0) * 100 / $hz / 10 / 3" | bc) % (host flavour, sanitizers on)"
echo "bench: fleetd resident memory: $rss KiB with $((units / 3)) units (host flavour, sanitizers on)"
echo "bench: etcd requests per idle node: $(echo "scale=1; ($req1 - $req0) / 10 / 3" | bc) /s"

# A machine dies: its units go elsewhere.
node_kill m3
t0=$(date +%s.%N)
until_true 60 sh -c "[ \"\$( ($ctl -s $T/node-m1/init.sock list; $ctl -s $T/node-m2/init.sock list) | grep -c '^many@.*active')\" = $units ]" ||
	fail "m3's units were not all placed elsewhere within 60 s"
t1=$(date +%s.%N)
echo "bench: fleet reschedule after a machine died: $(echo "$t1 - $t0" | bc) s (agent TTL ${FLEET_TTL:-5} s)"
ok "a dead machine's units all run elsewhere"
