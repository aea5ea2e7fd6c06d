#!/bin/sh
# fleet on the host (docs/fleet.md): a real etcd cluster of three members, and
# three fleet nodes (init in test mode + fleetd) with their own machine IDs and
# metadata. fleetctl places units by every kind of constraint: least-loaded
# spread, MachineID, MachineMetadata (OR within a key, AND across keys),
# MachineOf, Conflicts (both ways), Global, templates and instances; and
# stop, unload, destroy, cat, status, journal and the lists say what is so; a
# unit that no longer fits its machine after a metadata change moves.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/fleet.sh"
etcd_cluster
fleet_node m1 "METADATA=region=nyc1,role=web"
fleet_node m2 "METADATA=region=nyc1,role=db"
fleet_node m3 "METADATA=region=sfo1,role=web,disk=ssd"
until_true 20 sh -c "[ \"\$($fleetctl_bin --endpoint $ETCD_EPS list-machines --no-legend | wc -l)\" = 3 ]" ||
	{ cat "$T"/node-*/fleetd.log; fail "three machines did not register"; }
fleetctl list-machines > "$T/machines"
cat "$T/machines"
grep -qE '^m1\.\.\.[[:space:]]+10\.0\.0\.[0-9]+[[:space:]]+region=nyc1,role=web$' "$T/machines" ||
	fail "list-machines: no m1 line as fleet shows it"
ok "three machines registered, with their metadata"

# Spread: six plain units, two per machine.
for i in 1 2 3 4 5 6; do sleeper "spread$i.service"; done
(cd "$T/units" && fleetctl start spread1.service spread2.service spread3.service spread4.service \
	spread5.service spread6.service) > "$T/start.out" 2>&1 || { cat "$T/start.out"; cat "$T"/node-m1/fleetd.log; fail "fleetctl start failed"; }
grep -c "launched on" "$T/start.out" | grep -qx 6 || { cat "$T/start.out"; fail "not six 'launched on' lines"; }
for m in m1 m2 m3; do
	n=0
	for i in 1 2 3 4 5 6; do [ "$(where "spread$i.service")" = "$m" ] && n=$((n + 1)); done
	[ "$n" = 2 ] || fail "machine $m runs $n of the six units, not 2"
done
ok "six units, two on each machine (least loaded first)"

# MachineID.
sleeper pinned.service "MachineID=m2"
(cd "$T/units" && fleetctl start pinned.service) >/dev/null || fail "start pinned.service"
[ "$(where pinned.service)" = m2 ] || fail "MachineID=m2 runs on '$(where pinned.service)'"
ok "MachineID"
# Metadata: role=web AND (region=sfo1 OR region=sea1): only m3.
sleeper meta.service "MachineMetadata=role=web" "MachineMetadata=region=sfo1 region=sea1"
(cd "$T/units" && fleetctl start meta.service) >/dev/null || fail "start meta.service"
[ "$(where meta.service)" = m3 ] || fail "metadata unit runs on '$(where meta.service)'"
ok "MachineMetadata: OR within a key, AND across keys"
# MachineOf follows pinned.service.
sleeper sidekick.service "MachineOf=pinned.service"
(cd "$T/units" && fleetctl start sidekick.service) >/dev/null || fail "start sidekick.service"
[ "$(where sidekick.service)" = m2 ] || fail "MachineOf runs on '$(where sidekick.service)'"
ok "MachineOf"
# Templates and Conflicts: three instances that conflict with each other, one per machine.
sleeper "web@.service" "Conflicts=web@*.service"
(cd "$T/units" && fleetctl start web@1.service web@2.service web@3.service) >/dev/null || fail "start web@N"
w1=$(where web@1.service) w2=$(where web@2.service) w3=$(where web@3.service)
[ -n "$w1" ] && [ -n "$w2" ] && [ -n "$w3" ] && [ "$w1" != "$w2" ] && [ "$w2" != "$w3" ] && [ "$w1" != "$w3" ] ||
	fail "conflicting instances on '$w1' '$w2' '$w3'"
ok "template instances with Conflicts=web@*.service: one per machine"
# A fourth cannot go anywhere: start says so within its block timeout.
if (cd "$T/units" && fleetctl --block-timeout 4 start web@4.service) > "$T/out" 2>&1; then
	fail "a fourth conflicting instance was started"
fi
assert_contains "$T/out" "web@4.service is not launched after 4 s: no machine can take it"
# ... and why, as the engine put it (reasons/NAME).
assert_contains "$T/out" "unit web@4.service is not placed yet: no machine fits: Conflicts on 3 machines"
[ -z "$(where web@4.service)" ] || fail "web@4.service runs"
# Global: on every machine with role=web (m1, m3).
sleeper logger.service "Global=true" "MachineMetadata=role=web"
(cd "$T/units" && fleetctl start logger.service) >/dev/null || fail "start logger.service"
until_true 10 sh -c "[ \"\$($ctl -s $T/node-m1/init.sock is-active logger.service)\" = active ] && [ \"\$($ctl -s $T/node-m3/init.sock is-active logger.service)\" = active ]" ||
	fail "the global unit is not active on m1 and m3"
[ "$(node_ctl m2 is-active logger.service 2>/dev/null)" != active ] || fail "the global unit runs on m2 (role=db)"
ok "Global with MachineMetadata: on m1 and m3, not m2"

# Replaces: the new unit takes the old one's machine; the old one moves.
sleeper old.service "MachineID=m1"
(cd "$T/units" && fleetctl start old.service) >/dev/null || fail "start old.service"
[ "$(where old.service)" = m1 ] || fail "old.service runs on '$(where old.service)'"
sleeper new.service "Replaces=old.service" "MachineMetadata=role=web" "MachineMetadata=region=nyc1"
(cd "$T/units" && fleetctl start new.service) > "$T/out" 2>&1 || { cat "$T/out"; fail "start new.service"; }
[ "$(where new.service)" = m1 ] || fail "new.service (Replaces=old.service) runs on '$(where new.service)'"
until_true 10 sh -c "[ \"\$($ctl -s $T/node-m1/init.sock is-active old.service)\" != active ]" ||
	fail "old.service still runs on m1 beside the unit that replaces it"
ok "Replaces: the new unit takes the machine, the old one leaves it"
fleetctl destroy old.service new.service >/dev/null

# The life of a unit: submit leaves it inactive, nowhere; load puts it on a
# machine without starting it; start launches it; restart stops and starts
# it (a second process). FLEETCTL_ENDPOINT instead of --endpoint.
sleeper cycle.service
(cd "$T/units" && FLEETCTL_ENDPOINT=$ETCD_EPS "$fleetctl_bin" submit cycle.service) > "$T/out" 2>&1 ||
	{ cat "$T/out"; fail "fleetctl submit with FLEETCTL_ENDPOINT"; }
[ "$(ETCDCTL_API=3 etcdctl --endpoints="$ETCD_EPS" get --print-value-only /berth/fleet/desired/cycle.service)" = inactive ] ||
	fail "a submitted unit's desired state is not inactive"
sleep 1
[ -z "$(ls "$T"/node-*/units/cycle.service 2>/dev/null)" ] || fail "a unit only submitted is on a machine"
fleetctl load cycle.service > "$T/out" 2>&1 || { cat "$T/out"; fail "fleetctl load"; }
assert_contains "$T/out" "Unit cycle.service loaded on "
[ "$(ls "$T"/node-*/units/cycle.service 2>/dev/null | wc -l)" = 1 ] || fail "a loaded unit is not on one machine"
[ -z "$(where cycle.service)" ] || fail "a loaded unit runs"
[ ! -s "$T/starts/cycle.service" ] || fail "a loaded unit was started"
fleetctl start cycle.service > "$T/out" 2>&1 || { cat "$T/out"; fail "fleetctl start cycle.service"; }
assert_contains "$T/out" "Unit cycle.service launched on "
fleetctl restart cycle.service > "$T/out" 2>&1 || { cat "$T/out"; fail "fleetctl restart"; }
assert_contains "$T/out" "Unit cycle.service loaded on "
assert_contains "$T/out" "Unit cycle.service launched on "
until_true 10 sh -c "[ \"\$(wc -l < $T/starts/cycle.service)\" = 2 ]" ||
	fail "restart did not start cycle.service a second time: $(wc -l < "$T/starts/cycle.service") starts"
[ -n "$(where cycle.service)" ] || fail "cycle.service does not run after restart"
fleetctl destroy cycle.service >/dev/null
ok "submit (inactive), load (there, not started), start, restart (a new process); FLEETCTL_ENDPOINT"

# Bad units are refused at submit, naming the line.
printf '[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineFoo=1\n' > "$T/units/bad.service"
if (cd "$T/units" && fleetctl submit bad.service) > "$T/out" 2>&1; then fail "a unit with an unknown [X-Fleet] key was submitted"; fi
assert_contains "$T/out" "line 4"
assert_contains "$T/out" "MachineFoo"

# The lists.
# (Agents publish states once a second: the global unit's, which start does
# not wait for, may take that long.)
until_true 5 sh -c "$fleetctl_bin --endpoint $ETCD_EPS list-units | grep -c '^logger.service' | grep -qx 2"
fleetctl list-units > "$T/lu"
cat "$T/lu"
head -n 1 "$T/lu" | grep -qE '^UNIT[[:space:]]+MACHINE[[:space:]]+ACTIVE[[:space:]]+SUB$' || fail "list-units: legend"
grep -qE "^pinned\.service[[:space:]]+m2\.\.\./10\.0\.0\.[0-9]+[[:space:]]+active[[:space:]]+running$" "$T/lu" ||
	fail "list-units: no pinned.service line"
[ "$(grep -c "^logger.service" "$T/lu")" = 2 ] || { ETCDCTL_API=3 etcdctl --endpoints="$ETCD_EPS" get --prefix /berth/fleet/ --keys-only | grep .; grep -h logger "$T"/node-*/fleetd.log; fail "list-units: the global unit is not listed twice"; }
fleetctl list-unit-files --no-legend --fields unit,dstate,state > "$T/luf"
grep -qE "^meta\.service[[:space:]]+launched[[:space:]]+launched$" "$T/luf" || { cat "$T/luf"; fail "list-unit-files: meta.service"; }
fleetctl cat meta.service | grep -q "MachineMetadata=region=sfo1 region=sea1" || fail "fleetctl cat"
# status and journal come from the unit's machine.
fleetctl status meta.service > "$T/status" 2>&1 || { cat "$T/status"; fail "fleetctl status failed"; }
assert_contains "$T/status" "meta.service"
assert_contains "$T/status" "active (running)"
fleetctl journal --lines 5 meta.service > "$T/journal" 2>&1 || { cat "$T/journal"; fail "fleetctl journal failed"; }
assert_contains "$T/journal" "meta.service"
# journal -f: what the unit says later comes through, until fleetctl is stopped.
"$fleetctl_bin" --endpoint "$ETCD_EPS" journal -f --lines 1 pinned.service > "$T/follow" 2>&1 &
fpid=$!
sleep 2
node_ctl m2 restart pinned.service >/dev/null
until_true 10 grep -q "pinned.service: started" "$T/follow" || { cat "$T/follow"; fail "journal -f did not follow"; }
kill -INT $fpid
# (ended: gone, or a zombie until this shell waits for it)
until_true 10 sh -c "! kill -0 $fpid 2>/dev/null || grep -q ') Z ' /proc/$fpid/stat" ||
	fail "fleetctl journal -f did not end on SIGINT"
wait $fpid
ok "fleetctl journal -f follows a unit's log on its machine"

# A long answer (more than one 512 KiB piece in etcd) comes whole and in order.
zeros=$(printf '%0220d' 0)
cat > "$T/units/chatty.service" <<EOT
[Service]
ExecStart=/bin/sh -c 'i=1000; while [ \$i -lt 3100 ]; do echo "line\$i $zeros"; i=\$((i+1)); done; exec sleep 1000'
EOT
(cd "$T/units" && fleetctl start chatty.service) >/dev/null || fail "start chatty.service"
until_true 10 sh -c "$fleetctl_bin --endpoint $ETCD_EPS journal --lines 1 chatty.service | grep -q line3099" ||
	fail "chatty.service did not say its last line"
fleetctl journal --lines 2048 chatty.service > "$T/long" || fail "fleetctl journal --lines 2048"
[ "$(grep -c '^.*line[0-9]* 0*$' "$T/long")" = 2048 ] || fail "the long journal has $(grep -c line "$T/long") lines, not 2048"
[ "$(wc -c < "$T/long")" -gt 524288 ] || fail "the long journal is only $(wc -c < "$T/long") bytes: not more than one piece"
[ "$(grep -o 'line[0-9]*' "$T/long" | sed 's/line//' | sort -c -n && echo sorted)" = sorted ] || fail "the long journal is out of order"
[ "$(grep -o 'line[0-9]*' "$T/long" | tail -n 1)" = line3099 ] || fail "the long journal does not end with the last line"
fleetctl destroy chatty.service >/dev/null
ok "a journal of 2048 long lines comes whole and in order"

# stop, unload, destroy.
fleetctl stop meta.service > "$T/out" || fail "fleetctl stop"
assert_contains "$T/out" "Unit meta.service loaded on m3..."
[ "$(node_ctl m3 is-active meta.service)" != active ] || fail "meta.service still active after stop"
fleetctl unload meta.service > "$T/out" || fail "fleetctl unload"
assert_contains "$T/out" "Unit meta.service inactive"
until_true 10 sh -c "[ ! -e $T/node-m3/units/meta.service ]" || fail "meta.service's file is still on m3"
# An inactive unit is not stopped (that would schedule it), as in fleet.
if fleetctl stop meta.service > "$T/out" 2>&1; then fail "fleetctl stop of an inactive unit succeeded"; fi
assert_contains "$T/out" "Unable to stop unit meta.service in state inactive"
[ "$(ETCDCTL_API=3 etcdctl --endpoints="$ETCD_EPS" get --print-value-only /berth/fleet/desired/meta.service)" = inactive ] ||
	fail "fleetctl stop changed an inactive unit's desired state"
fleetctl destroy meta.service > "$T/out" || fail "fleetctl destroy"
assert_contains "$T/out" "Destroyed meta.service"
if fleetctl cat meta.service >/dev/null 2>&1; then fail "a destroyed unit can still be read"; fi
ok "stop, unload (then stop refused) and destroy"

# Metadata changes: a unit that no longer fits its machine moves to one that
# does (fleetd restarted with other settings; its lease, and so its other
# units, stay).
sleeper ssd.service "MachineMetadata=disk=ssd"
(cd "$T/units" && fleetctl start ssd.service) >/dev/null || fail "start ssd.service"
[ "$(where ssd.service)" = m3 ] || fail "disk=ssd runs on '$(where ssd.service)'"
restart_with() { # NODE METADATA
	sed -i "s/^METADATA=.*/METADATA=$2/" "$T/node-$1/fleet.conf"
	kill "$(cat "$T/node-$1/fleetd.pid")"
	wait "$(cat "$T/node-$1/fleetd.pid")" 2>/dev/null
	fleetd_start "$1"
}
restart_with m2 "region=nyc1,role=db,disk=ssd"
restart_with m3 "region=sfo1,role=web"
until_true 15 sh -c "[ \"\$($ctl -s $T/node-m2/init.sock is-active ssd.service)\" = active ]" ||
	fail "ssd.service did not move to m2 when m3 lost disk=ssd"
until_true 10 sh -c "[ \"\$($ctl -s $T/node-m3/init.sock is-active ssd.service)\" != active ]" ||
	fail "ssd.service still runs on m3"
[ "$(cat "$T/starts/spread3.service" | wc -l)" = 1 ] || fail "m3's other units were restarted"
ok "a unit that no longer fits its machine's metadata moves; the machine's other units stay"

# --request-timeout: an endpoint that takes the connection and never answers
# is given up after that long, and named.
mute=$(free_ports 1)
python3 -c 'import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); held = []
while True: held.append(s.accept()[0])' "$mute" &
on_exit "kill $! 2>/dev/null"
until_true 5 python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])))' "$mute" ||
	fail "the mute server did not start"
start=$(date +%s)
if "$fleetctl_bin" --endpoint "http://127.0.0.1:$mute" --request-timeout 1 list-machines > "$T/out" 2>&1; then
	fail "fleetctl got an answer from a server that gives none"
fi
[ $(( $(date +%s) - start )) -le 4 ] || fail "fleetctl --request-timeout 1 took $(( $(date +%s) - start )) s"
assert_contains "$T/out" "fleetctl: http://127.0.0.1:$mute/v3/kv/range: "
assert_contains "$T/out" "timed out"
ok "--request-timeout: a mute endpoint is given up after it, and named"
