# Sourced by the fleet tests: a real etcd cluster of three members on loopback,
# and fleet nodes on the host, each an init in test mode (its own unit
# directories and control socket) with a fleetd beside it, both host flavour
# with sanitizers. Units are real processes.
. "$TOPDIR/tests/lib/init.sh"
command -v etcd >/dev/null && command -v etcdctl >/dev/null || skip "no etcd on this machine (scripts/host-deps)"
make --no-print-directory -C "$TOPDIR" O="$O" host-programs >"$T/build.log" 2>&1 ||
	{ cat "$T/build.log"; fail "build failed"; }
init=$O/build/host-bin/init ctl=$O/build/host-bin/initctl
fleetd=$O/build/host-bin/fleetd fleetctl_bin=$O/build/host-bin/fleetctl
FLEET_BASE=$(free_ports 40)
ETCD_EPS=http://127.0.0.1:$((FLEET_BASE + 11)),http://127.0.0.1:$((FLEET_BASE + 12)),http://127.0.0.1:$((FLEET_BASE + 13))

# etcd_member N: starts member N (1..3) of the cluster.
etcd_member() {
	_cl="e1=http://127.0.0.1:$((FLEET_BASE + 1)),e2=http://127.0.0.1:$((FLEET_BASE + 2)),e3=http://127.0.0.1:$((FLEET_BASE + 3))"
	_state=new
	[ -d "$T/etcd$1" ] && _state=existing
	etcd --name "e$1" --data-dir "$T/etcd$1" --initial-cluster "$_cl" --initial-cluster-state "$_state" \
		--listen-peer-urls "http://127.0.0.1:$((FLEET_BASE + $1))" \
		--initial-advertise-peer-urls "http://127.0.0.1:$((FLEET_BASE + $1))" \
		--listen-client-urls "http://127.0.0.1:$((FLEET_BASE + 10 + $1))" \
		--advertise-client-urls "http://127.0.0.1:$((FLEET_BASE + 10 + $1))" \
		--heartbeat-interval 50 --election-timeout 500 >>"$T/etcd$1.log" 2>&1 &
	echo $! > "$T/etcd$1.pid"
	on_exit "kill $! 2>/dev/null"
}
etcd_cluster() {
	for m in 1 2 3; do etcd_member $m; done
	for _ in $(seq 100); do
		ETCDCTL_API=3 etcdctl --command-timeout=2s --endpoints="$ETCD_EPS" endpoint health >/dev/null 2>&1 && return 0
		for m in 1 2 3; do
			kill -0 "$(cat "$T/etcd$m.pid")" 2>/dev/null || { tail -n 5 "$T/etcd$m.log"; fail "etcd member $m exited"; }
		done
		sleep 0.2
	done
	tail -n 20 "$T/etcd1.log"; fail "the etcd cluster did not come up"
}
# etcd_leader: the number (1..3) of the member that leads.
etcd_leader() {
	ETCDCTL_API=3 etcdctl --endpoints="$ETCD_EPS" endpoint status 2>/dev/null |
		awk -F', ' '$5 == "true" { split($1, a, ":"); print a[3] - '"$FLEET_BASE"' - 10 }'
}

# fleet_node NAME [SETTINGS...]: an init and a fleetd for machine NAME.
fleet_node() {
	_d=$T/node-$1
	mkdir -p "$_d/base" "$_d/units" "$_d/run"
	printf '[Unit]\nDescription=the node\n' > "$_d/base/default.target"
	"$init" --units "$_d/base" --units "$_d/units" --control "$_d/init.sock" --log-dir "$_d/log" \
		>"$_d/init.out" 2>&1 &
	echo $! > "$_d/init.pid"
	# (waited for: it writes its log until it is gone)
	on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
	wait_for "$_d/init.out" "berth: ready" 10 || fail "$1: init did not come up"
	_name=$1; shift
	printf '%s\n' "ETCD_ENDPOINTS=${FLEET_ETCD:-$ETCD_EPS}" "MACHINE_ID=$_name" "PUBLIC_IP=10.0.0.$(printf %s "$_name" | cksum | cut -c1-2)" \
		"AGENT_TTL=${FLEET_TTL:-5}" "INIT_SOCKET=$_d/init.sock" "UNITS_DIR=$_d/units" "RUN_DIR=$_d/run" "$@" \
		> "$_d/fleet.conf"
	fleetd_start "$_name"
}
fleetd_start() {
	"$fleetd" --config "$T/node-$1/fleet.conf" >>"$T/node-$1/fleetd.log" 2>&1 &
	echo $! > "$T/node-$1/fleetd.pid"
	on_exit "kill $! 2>/dev/null"
}
# node_kill NAME: the machine dies: its fleetd and its init (and so its units).
node_kill() {
	kill -9 "$(cat "$T/node-$1/fleetd.pid")" 2>/dev/null
	kill "$(cat "$T/node-$1/init.pid")" 2>/dev/null
	wait "$(cat "$T/node-$1/init.pid")" 2>/dev/null
}
fleetctl() { "$fleetctl_bin" --endpoint "$ETCD_EPS" --request-timeout 3 "$@"; }
# node_ctl NAME ARGS: initctl on machine NAME's init.
node_ctl() { _n=$1; shift; "$ctl" -s "$T/node-$_n/init.sock" "$@"; }
# where UNIT: the machine whose init runs UNIT (active), or nothing.
where() {
	for _d in "$T"/node-*; do
		[ -S "$_d/init.sock" ] || continue
		[ "$("$ctl" -s "$_d/init.sock" is-active "$1" 2>/dev/null)" = active ] && echo "${_d##*/node-}"
	done
}
# until_true SECONDS COMMAND...: until COMMAND succeeds; false if it never does.
until_true() {
	_end=$(( $(date +%s) + $1 )); shift
	until "$@"; do
		[ "$(date +%s)" -lt $_end ] || return 1
		sleep 0.2
	done
}
# sleeper NAME [X-FLEET LINES...]: a unit file in $T/units that records each
# start in $T/starts/NAME and sleeps.
sleeper() {
	mkdir -p "$T/units" "$T/starts"
	_f=$T/units/$1; shift
	{
		printf '[Unit]\nDescription=test unit %%n\n[Service]\n'
		printf "ExecStart=/bin/sh -c 'echo \$\$\$\$ >> %s/starts/%%n; exec sleep 1000'\n" "$T"
		if [ $# -gt 0 ]; then printf '[X-Fleet]\n'; printf '%s\n' "$@"; fi
	} > "$_f"
}
