#!/bin/sh
# berth-etcd (host flavour) against the host's etcd: settings that are wrong
# stop it with the file, line or setting named; a cluster of three members on
# loopback, each started by berth-etcd from its own settings, forms, and a
# fourth node that is not in INITIAL_CLUSTER runs etcd's gateway, through which
# a client on its local port reads what a member wrote, and keeps reading when
# a member dies. Then one member with client and peer TLS from certificates
# the test makes: etcdctl and fleetctl (Berth's etcd client) with a client
# certificate get in, without one they do not.
. "$TOPDIR/tests/lib/common.sh"
command -v etcd >/dev/null && command -v etcdctl >/dev/null || skip "no etcd on this machine (scripts/host-deps)"
make --no-print-directory -C "$TOPDIR" O="$O" "$O/build/host-bin/berth-etcd" "$O/build/host-bin/fleetctl" >"$T/build.log" 2>&1 ||
	{ cat "$T/build.log"; fail "building berth-etcd failed"; }
be=$O/build/host-bin/berth-etcd

bad() { # SETTINGS EXPECTED-MESSAGE
	printf '%s\n' "# a node's settings" "$1" > "$T/bad.conf"
	if "$be" --print "$T/bad.conf" >"$T/out" 2>&1; then
		fail "berth-etcd accepted: $1"
	fi
	assert_contains "$T/out" "$2"
}
bad "CLUSTER=a=http://127.0.0.1:2380" "berth-etcd: $T/bad.conf: line 2: unknown setting CLUSTER"
bad "INITIAL_CLUSTER=a=127.0.0.1:2380" 'INITIAL_CLUSTER: "a=127.0.0.1:2380" is not NAME=http(s)://HOST:PORT'
bad "INITIAL_CLUSTER=a=http://10.0.0.1:99999" 'is not NAME=http(s)://HOST:PORT'
bad "INITIAL_CLUSTER=a=https://10.0.0.1:2380" "a=https://10.0.0.1:2380 is https, and PEER_CERT and PEER_KEY are not set"
bad "HEARTBEAT_INTERVAL=500" "ELECTION_TIMEOUT=1000: less than five times HEARTBEAT_INTERVAL (500)"
bad "ELECTION_TIMEOUT=soon" "ELECTION_TIMEOUT=soon: not a number"
bad "CLIENT_CERT=/x.pem" "CLIENT_CERT and CLIENT_KEY go together"
bad "INITIAL_CLUSTER_STATE=old" "INITIAL_CLUSTER_STATE=old: not new or existing"

# Defaults: one member on loopback, data on STATE.
"$be" --print /dev/null > "$T/single" || fail "berth-etcd --print with no settings failed"
assert_contains "$T/single" "--listen-client-urls=http://127.0.0.1:2379"
assert_contains "$T/single" "--data-dir=/var/lib/etcd"
# Client TLS: https on the client port, client certificates checked.
printf 'CLIENT_CERT=/c.pem\nCLIENT_KEY=/k.pem\nCLIENT_CA=/ca.pem\n' > "$T/tls.conf"
"$be" --print "$T/tls.conf" > "$T/tls" || fail "berth-etcd --print with TLS failed"
assert_contains "$T/tls" "--listen-client-urls=https://127.0.0.1:2379"
assert_contains "$T/tls" "--client-cert-auth"

# The cluster: members a, b, c on loopback ports; the same INITIAL_CLUSTER for
# every node, as it would be on real machines (there the node's address picks
# its entry; here all are 127.0.0.1, so NAME does).
base=$(free_ports 50)
cl="a=http://127.0.0.1:$((base + 1)),b=http://127.0.0.1:$((base + 2)),c=http://127.0.0.1:$((base + 3))"
start() { # NAME CLIENT-PORT [MORE SETTINGS]
	printf '%s\n' "NAME=$1" "INITIAL_CLUSTER=$cl" "CLIENT_PORT=$2" "DATA_DIR=$T/$1" "ETCD=$(command -v etcd)" \
		"HEARTBEAT_INTERVAL=50" "ELECTION_TIMEOUT=500" ${3:+"$3"} > "$T/$1.conf"
	"$be" "$T/$1.conf" >"$T/$1.log" 2>&1 &
	echo $! > "$T/$1.pid"
	on_exit "kill $! 2>/dev/null"
}
# Members are not gateways: each listens on its client port too. With all on
# 127.0.0.1 every member's client URL must differ, hence one CLIENT_PORT each,
# and the gateway's endpoints are given.
start a $((base + 11))
start b $((base + 12))
start c $((base + 13))
start gw $((base + 20)) "ENDPOINTS=127.0.0.1:$((base + 11)),127.0.0.1:$((base + 12)),127.0.0.1:$((base + 13))"
ctl() { ETCDCTL_API=3 etcdctl --dial-timeout=2s --command-timeout=5s --endpoints="$1" "$2" "$3" ${4:+"$4"}; }
for _ in $(seq 100); do
	ctl 127.0.0.1:$((base + 11)) endpoint health >/dev/null 2>&1 && break
	sleep 0.2
done
ctl 127.0.0.1:$((base + 11)) endpoint health >/dev/null 2>&1 || { tail "$T/a.log"; fail "member a is not healthy"; }
ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:$((base + 11)) member list > "$T/members" || fail "member list failed"
[ "$(wc -l < "$T/members")" = 3 ] || { cat "$T/members"; fail "not three members"; }
for m in a b c; do grep -q ", $m, http://127.0.0.1:" "$T/members" || fail "no member $m: $(cat "$T/members")"; done
ok "three members, each started by berth-etcd from its settings, form one cluster"
assert_contains "$T/gw.log" "ready to proxy client requests"
# HEARTBEAT_INTERVAL and ELECTION_TIMEOUT reach etcd, which reports them.
"$be" --print "$T/a.conf" > "$T/a.args"
assert_contains "$T/a.args" "--heartbeat-interval=50"
assert_contains "$T/a.args" "--election-timeout=500"
grep -q 'heartbeat = 50ms' "$T/a.log" && grep -q 'election = 500ms' "$T/a.log" ||
	{ grep -i -e heartbeat -e election "$T/a.log" | head -3; fail "etcd does not report a heartbeat of 50 ms and an election timeout of 500 ms"; }
ctl 127.0.0.1:$((base + 11)) put /berth/test hello >/dev/null || fail "put through member a failed"
[ "$(ctl 127.0.0.1:$((base + 20)) get /berth/test --print-value-only)" = hello ] ||
	fail "the gateway did not give what member a wrote"
ok "a client of the gateway's local port reads what a member wrote"
kill "$(cat "$T/a.pid")"
ctl 127.0.0.1:$((base + 12)) put /berth/test again >/dev/null || fail "put through member b failed"
got=
for _ in $(seq 20); do
	got=$(ctl 127.0.0.1:$((base + 20)) get /berth/test --print-value-only 2>/dev/null) && [ "$got" = again ] && break
	sleep 0.3
done
[ "$got" = again ] || fail "the gateway did not fail over from the dead member: got '$got'"
ok "the gateway fails over when a member dies"

# TLS: a CA, a certificate for the member (server and client use, for peers
# too) and one for a client.
cert() { # NAME USAGE
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$1" \
		-keyout "$T/$1.key" -out "$T/$1.csr" 2>/dev/null &&
	printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=%s\n' "$2" > "$T/$1.ext" &&
	openssl x509 -req -in "$T/$1.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial -days 2 \
		-extfile "$T/$1.ext" -out "$T/$1.crt" 2>/dev/null || fail "openssl made no certificate for $1"
}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=test-ca -days 2 \
	-keyout "$T/ca.key" -out "$T/ca.crt" 2>/dev/null || fail "openssl made no CA"
cert member serverAuth,clientAuth
cert client clientAuth
# Two members, t and u, whose peers speak TLS to each other (each checks the
# other's certificate against PEER_CA); what one takes, the other has.
tport=$((base + 40))
for m in t u; do
	p=$tport; [ $m = u ] && p=$((tport + 2))
	printf '%s\n' "NAME=$m" "INITIAL_CLUSTER=t=https://127.0.0.1:$((tport + 1)),u=https://127.0.0.1:$((tport + 3))" \
		"CLIENT_PORT=$p" "DATA_DIR=$T/$m" "ETCD=$(command -v etcd)" "CLIENT_CERT=$T/member.crt" \
		"CLIENT_KEY=$T/member.key" "CLIENT_CA=$T/ca.crt" "PEER_CERT=$T/member.crt" "PEER_KEY=$T/member.key" \
		"PEER_CA=$T/ca.crt" > "$T/$m.conf"
	"$be" "$T/$m.conf" >"$T/$m.log" 2>&1 &
	on_exit "kill $! 2>/dev/null"
done
tls() { ETCDCTL_API=3 etcdctl --endpoints="https://127.0.0.1:$tport" --cacert "$T/ca.crt" "$@"; }
for _ in $(seq 150); do
	tls --cert "$T/client.crt" --key "$T/client.key" endpoint health >/dev/null 2>&1 && break
	sleep 0.2
done
tls --cert "$T/client.crt" --key "$T/client.key" put /berth/tls yes >/dev/null 2>&1 ||
	{ tail "$T/t.log" "$T/u.log"; fail "etcdctl with a client certificate cannot put over TLS"; }
if tls --dial-timeout=2s get /berth/tls >/dev/null 2>&1; then fail "etcdctl without a client certificate got in"; fi
tls --cert "$T/client.crt" --key "$T/client.key" member list > "$T/tls-members" 2>&1 || fail "member list over TLS failed"
[ "$(grep -c "started, [tu], https://127.0.0.1:" "$T/tls-members")" = 2 ] ||
	{ cat "$T/tls-members"; fail "not two members t and u with https peer URLs"; }
[ "$(ETCDCTL_API=3 etcdctl --endpoints="https://127.0.0.1:$((tport + 2))" --cacert "$T/ca.crt" --cert "$T/client.crt" \
	--key "$T/client.key" get /berth/tls --print-value-only)" = yes ] || fail "member u does not have what t took"
"$be" --print "$T/t.conf" > "$T/t.args"
assert_contains "$T/t.args" "--peer-client-cert-auth"
assert_contains "$T/t.args" "--listen-peer-urls=https://127.0.0.1:$((tport + 1))"
ok "client and peer TLS: two members over TLS; in with a client certificate, not without"
fc=$O/build/host-bin/fleetctl
"$fc" --endpoint "https://127.0.0.1:$tport" --ca-file "$T/ca.crt" --cert-file "$T/client.crt" --key-file "$T/client.key" \
	list-machines > "$T/fc.out" 2>&1 || { cat "$T/fc.out"; fail "fleetctl over TLS with a client certificate failed"; }
assert_contains "$T/fc.out" "MACHINE"
if "$fc" --endpoint "https://127.0.0.1:$tport" --ca-file "$T/ca.crt" list-machines > "$T/fc.out" 2>&1; then
	fail "fleetctl without a client certificate got in"
fi
assert_contains "$T/fc.out" "fleetctl: https://127.0.0.1:$tport/v3/kv/range"
ok "Berth's etcd client over TLS: in with a client certificate, not without"
