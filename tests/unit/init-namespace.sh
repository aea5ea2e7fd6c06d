#!/bin/sh
# init --pid-namespace (host flavour): the supervisor as PID 1 of its own PID
# namespace, as on a node: its services see it as their parent, PID 1; an
# orphan is reaped; `kill -9 -1` from a service kills every other process but
# not init, and Restart=always brings the service back; SIGTERM from outside
# stops it all, nothing left.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/init.sh"
init_build
U=$T/units S=$T/init.sock L=$T/log
mkdir -p "$U"
cat > "$U/app.service" <<EOT
[Service]
ExecStart=/bin/sh -c 'echo "app pid \$\$ parent \$PPID" >> $L; exec sleep 987.$$'
Restart=always
RestartSec=200ms
EOT
cat > "$U/orphan.service" <<EOT
[Service]
Type=oneshot
ExecStart=/bin/sh -c '(sleep 0.3; echo orphan-done >> $L) & echo orphan-left >> $L'
EOT
cat > "$U/killer.service" <<EOT
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'kill -9 -1'
EOT
printf '[Unit]\nWants=app.service orphan.service\n' > "$U/default.target"

# LeakSanitizer cannot stop the world from PID 1 of a namespace; the other init
# tests look for leaks.
export ASAN_OPTIONS=detect_leaks=0
init_start --pid-namespace --units "$U" --control "$S"
wait_for "$L" "orphan-done" || true
assert_contains "$L" "orphan-done"
grep -q "^app pid [0-9]* parent 1$" "$L" || fail "app.service's parent is not PID 1 of the namespace: $(cat "$L")"
ok "in its own PID namespace: app.service's parent is PID 1"
assert_not_contains "$T/out" "orphan.service: failed"

ctl start killer.service || fail "start killer.service failed"
i=0; while [ "$(grep -c "^app pid" "$L")" -lt 2 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(grep -c "^app pid" "$L")" = 2 ] || fail "app.service did not come back after kill -9 -1: $(cat "$L")"
ctl is-active app.service >/dev/null || fail "init does not answer after kill -9 -1"
assert_contains "$T/out" "app.service: main process killed by signal 9"
ok "kill -9 -1 killed the services, not init; app.service restarted"

kill $pid
wait $pid; rc=$?
[ $rc = 0 ] || fail "init exited $rc on SIGTERM"
sleep 0.2
! pgrep -f "sleep 987.$$" >/dev/null || fail "a sleep 987 (app.service) outlived init"
! grep -q "ERROR: AddressSanitizer\|runtime error" "$T/out" || fail "a sanitizer reported a problem"
ok "stopped cleanly, nothing left"
