#!/bin/sh
# fleet when things fail (docs/fleet.md), on the host with a real etcd cluster
# of three and three fleet nodes (AGENT_TTL=8):
# - the etcd leader is killed: no unit is stopped or started again;
# - a node is cut off from etcd for less than its TTL: it keeps its units,
#   nothing moves; for longer: its units move, and when it is back it stops
#   its copies, so that each runs once;
# - the machine that leads the engine dies: another engine takes over and
#   moves the dead machine's units within the TTL and a few seconds;
# - a fleetd restarted on a live machine: nothing moves, nothing restarts;
# - a node's init that does not answer for longer than the TTL: its lease is
#   kept alive all the same (fleetd's keep-alive thread), nothing moves.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/fleet.sh"
etcd_cluster
FLEET_TTL=8
# m3 reaches etcd through a gateway the test can take away.
gw_port=$((FLEET_BASE + 30))
gateway() {
	etcd gateway start --endpoints="127.0.0.1:$((FLEET_BASE + 11)),127.0.0.1:$((FLEET_BASE + 12)),127.0.0.1:$((FLEET_BASE + 13))" \
		--listen-addr="127.0.0.1:$gw_port" >>"$T/gateway.log" 2>&1 &
	echo $! > "$T/gateway.pid"
	on_exit "kill $! 2>/dev/null"
	sleep 0.5
}
gateway
fleet_node m1
fleet_node m2
FLEET_ETCD=http://127.0.0.1:$gw_port fleet_node m3
until_true 20 sh -c "[ \"\$($fleetctl_bin --endpoint $ETCD_EPS list-machines --no-legend | wc -l)\" = 3 ]" ||
	{ cat "$T"/node-*/fleetd.log; fail "three machines did not register"; }
for i in 1 2 3 4 5 6; do sleeper "u$i.service"; done
(cd "$T/units" && fleetctl start u1.service u2.service u3.service u4.service u5.service u6.service) >/dev/null ||
	fail "fleetctl start failed"
starts() { cat "$T"/starts/* | wc -l; }
[ "$(starts)" = 6 ] || fail "6 units, $(starts) starts"
placement() { for i in 1 2 3 4 5 6; do printf '%s ' "$(where "u$i.service")"; done; }
before=$(placement)
echo "placed: $before"

# The etcd leader dies (and comes back): nothing restarts, nothing moves.
leader=$(etcd_leader)
[ -n "$leader" ] || fail "no etcd leader"
kill "$(cat "$T/etcd$leader.pid")"
sleep 8
etcd_member "$leader"
sleep 3
[ "$(starts)" = 6 ] || fail "after the etcd leader died: $(starts) starts, not 6"
[ "$(placement)" = "$before" ] || fail "after the etcd leader died the units moved: $(placement)"
ok "the etcd leader killed: no unit stopped, started again or moved"

# m3 cut off from etcd for 3 s (TTL 8): it keeps its units, nothing moves.
m3units=$(for i in 1 2 3 4 5 6; do [ "$(where "u$i.service")" = m3 ] && echo "u$i.service"; done)
[ -n "$m3units" ] || fail "m3 runs nothing"
kill "$(cat "$T/gateway.pid")"
sleep 3
gateway
sleep 4
[ "$(starts)" = 6 ] || fail "after a short cut: $(starts) starts, not 6"
[ "$(placement)" = "$before" ] || fail "after a short cut the units moved: $(placement)"
ok "a node cut off from etcd for less than its TTL keeps its units; nothing moves"

# A fleetd restarted on a live machine carries on with its lease.
kill "$(cat "$T/node-m1/fleetd.pid")"
sleep 1
fleetd_start m1
sleep 6
[ "$(starts)" = 6 ] || fail "after fleetd restarted: $(starts) starts, not 6"
[ "$(placement)" = "$before" ] || fail "after fleetd restarted the units moved: $(placement)"
ok "fleetd restarted: its machine's units stay, nothing restarts"

# m1's init stops answering for twice the TTL while two units are started
# there: fleetd's calls to it wait (10 s each), but the lease is kept alive by
# a thread of its own, so m1 stays registered and nothing of it moves.
sched() { ETCDCTL_API=3 etcdctl --endpoints="$ETCD_EPS" get --prefix /berth/fleet/schedule/u | paste - - | sort; }
s_before=$(sched)
sleeper p1.service "MachineID=m1"
sleeper p2.service "MachineID=m1"
kill -STOP "$(cat "$T/node-m1/init.pid")"
(cd "$T/units" && fleetctl start --no-block p1.service p2.service) >/dev/null || fail "fleetctl start p1 p2"
sleep 16
m1key=$(ETCDCTL_API=3 etcdctl --endpoints="$ETCD_EPS" get /berth/fleet/machines/m1 --keys-only)
s_after=$(sched)
kill -CONT "$(cat "$T/node-m1/init.pid")"
[ -n "$m1key" ] || { tail -n 20 "$T/node-m1/fleetd.log"; fail "m1's lease lapsed while its init did not answer"; }
[ "$s_after" = "$s_before" ] || fail "units moved while m1's init did not answer: $s_after"
! grep -q "expired" "$T/node-m1/fleetd.log" || fail "m1's fleetd says its lease expired"
until_true 30 sh -c "[ \"\$($ctl -s $T/node-m1/init.sock is-active p2.service)\" = active ]" ||
	fail "p2.service did not start on m1 once its init answered again"
ok "init not answering for twice the TTL: the lease is kept, nothing moves, the new units start after"

# m3 cut off for longer than its TTL: its units move; when it is back it stops
# its copies.
kill "$(cat "$T/gateway.pid")"
t0=$(date +%s)
for u in $m3units; do
	until_true 20 sh -c "[ \"\$(for d in $T/node-m1 $T/node-m2; do $ctl -s \$d/init.sock is-active $u; done | grep -c '^active')\" = 1 ]" ||
		fail "$u did not move off the cut-off m3"
done
echo "m3's units moved after $(( $(date +%s) - t0 )) s"
gateway
for u in $m3units; do
	until_true 20 sh -c "[ \"\$($ctl -s $T/node-m3/init.sock is-active $u)\" != active ]" ||
		fail "$u still runs on m3 after it came back"
done
ok "a node cut off past its TTL: its units moved, and it stopped its own copies when back"

# The engine's machine dies: another engine moves its units.
lead=$(ETCDCTL_API=3 etcdctl --endpoints="$ETCD_EPS" get /berth/fleet/engine/leader --print-value-only)
[ -n "$lead" ] || fail "no engine leader"
lead_units=$(for i in 1 2 3 4 5 6; do [ "$(where "u$i.service")" = "$lead" ] && echo "u$i.service"; done)
moved_off() { _w=$(where "$1"); [ -n "$_w" ] && [ "$_w" != "$2" ]; }
node_kill "$lead"
t0=$(date +%s)
for u in $lead_units; do
	until_true 20 moved_off "$u" "$lead" ||
		{ cat "$T"/node-*/fleetd.log | tail -n 40; fail "$u did not move after the engine's machine $lead died"; }
done
echo "the engine's machine $lead died: its units ($lead_units) moved after $(( $(date +%s) - t0 )) s"
new=$(ETCDCTL_API=3 etcdctl --endpoints="$ETCD_EPS" get /berth/fleet/engine/leader --print-value-only)
[ -n "$new" ] && [ "$new" != "$lead" ] || fail "no new engine leader (is '$new')"
for i in 1 2 3 4 5 6; do
	[ -n "$(where "u$i.service")" ] || { tail -n 15 "$T"/node-*/fleetd.log; fail "u$i.service runs nowhere"; }
done
ok "engine failover: $new leads, and every unit runs"
