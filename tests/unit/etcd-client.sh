#!/bin/sh
# The etcd client of src/lib (tests/c/test-etcd.c, host flavour) against a
# real cluster: three members of the host's etcd on loopback ports, the
# client's requests, transactions, leases and watches on it, then the first
# member killed under a running watch, which resumes on another. Before that,
# a canned watch stream sent in fragments that split its messages.
. "$TOPDIR/tests/lib/common.sh"
command -v etcd >/dev/null || skip "no etcd on this machine (scripts/host-deps)"
make --no-print-directory -C "$TOPDIR" O="$O" "$O/build/host-tests/test-etcd" >"$T/build.log" 2>&1 ||
	{ cat "$T/build.log"; fail "building test-etcd failed"; }
prog=$O/build/host-tests/test-etcd

# Six free ports in 30000-50000: two for each member.
ports=
used=$(ss -Htan 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }')
while [ "$(echo $ports | wc -w)" -lt 6 ]; do
	p=$(( 30000 + $(od -An -N2 -tu2 /dev/urandom) % 20000 ))
	case " $ports $(echo $used) " in *" $p "*) continue ;; esac
	ports="$ports $p"
done
set -- $ports
cluster="m1=http://127.0.0.1:$1,m2=http://127.0.0.1:$2,m3=http://127.0.0.1:$3"
endpoints="http://127.0.0.1:$4,http://127.0.0.1:$5,http://127.0.0.1:$6"
pids=
i=1
for client in $4 $5 $6; do
	eval peer=\${$i}
	etcd --name m$i --data-dir "$T/m$i" --initial-cluster "$cluster" --initial-cluster-state new \
		--initial-cluster-token "berth-test-$$" \
		--listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
		--listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
		--heartbeat-interval 50 --election-timeout 500 >"$T/m$i.log" 2>&1 &
	on_exit "kill $! 2>/dev/null"
	pids="$pids${pids:+,}$!"
	i=$((i + 1))
done
healthy=
for _ in $(seq 100); do
	healthy=$(ETCDCTL_API=3 etcdctl --endpoints="$endpoints" --dial-timeout=1s endpoint health 2>&1 |
		grep -c ' is healthy')
	[ "$healthy" = 3 ] && break
	sleep 0.2
done
[ "$healthy" = 3 ] || { tail -n 5 "$T"/m*.log; fail "the three etcd members are not healthy"; }
ok "three etcd members on 127.0.0.1:$4,$5,$6"

# The canned stream: a watch's created message, then three events in three
# messages, the last without its newline, in 7-byte pieces.
cat > "$T/fake.py" <<'EOF'
import http.server, sys, time
lines = (b'{"result":{"header":{"revision":"6"},"created":true}}\n'
         b'{"result":{"header":{"revision":"9"},"events":[{"kv":{"key":"YS8x","create_revision":"7",'
         b'"mod_revision":"7","version":"1","value":"b25l"}}]}}\n'
         b'{"result":{"header":{"revision":"9"},"events":[{"type":"DELETE","kv":{"key":"YS8x",'
         b'"mod_revision":"8"}}]}}\n'
         b'{"result":{"header":{"revision":"9"},"events":[{"kv":{"key":"YS8y","mod_revision":"9",'
         b'"value":"dHdv"}}]}}')
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        for i in range(0, len(lines), 7):
            self.wfile.write(lines[i:i + 7])
            self.wfile.flush()
            time.sleep(0.01)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
python3 -u "$T/fake.py" > "$T/fake.port" 2>"$T/fake.log" &
on_exit "kill $! 2>/dev/null"
for _ in $(seq 50); do [ -s "$T/fake.port" ] && break; sleep 0.1; done
[ -s "$T/fake.port" ] || fail "the canned watch server did not start"

ETCD_ENDPOINTS=$endpoints ETCD_PIDS=$pids ETCD_FAKE_WATCH="http://127.0.0.1:$(cat "$T/fake.port")" \
	"$prog" >"$T/run.log" 2>&1
rc=$?
cat "$T/run.log"
[ $rc = 0 ] || fail "test-etcd failed (exit $rc)"
grep -q "^test-etcd: [0-9]* checks, 0 failed" "$T/run.log" || fail "test-etcd reported failures"
assert_not_contains "$T/run.log" "skipping"
n=$(sed -n 's/^test-etcd: \([0-9]*\) checks.*/\1/p' "$T/run.log")
[ "$n" -ge 150 ] || fail "only $n checks ran: the server parts did not"
ok "put, range, delete, transactions, election, leases, watches, compaction and failover: $n checks"
