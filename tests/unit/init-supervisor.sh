#!/bin/sh
# init's supervisor, run as an ordinary process (host flavour, sanitizers on) on
# real processes: ordering (After=, oneshot with several ExecStart), Environment=
# expansion, Restart=on-failure within StartLimitBurst, the ready line, orphans
# reaped, a unit with errors reported with file and line and not started,
# ExecStartPre=/ExecStartPost= (and the '-' prefix), Type=notify with READY=1 and
# TimeoutStartSec=, and on SIGTERM ExecStop=, the kill signal and ExecStopPost=,
# every service stopped, nothing left behind.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/init.sh"
init_build
U=$T/units L=$T/log
mkdir -p "$U"
chmod 1777 "$T" # the User=nobody service writes here
cat > "$U/prep.service" <<EOT
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo prep >> $L'
ExecStart=/bin/sh -c 'echo prep2 >> $L'
EOT
cat > "$U/web.service" <<EOT
[Unit]
After=prep.service
[Service]
Environment=GREETING=hello "WHO=the world"
ExecStartPre=-/bin/false
ExecStartPre=/bin/sh -c 'echo web-pre >> $L'
ExecStart=/bin/sh -c 'echo "web \$GREETING \$WHO \$\$" >> $L; exec sleep 100'
ExecStartPost=/bin/sh -c 'echo web-post >> $L'
ExecStop=/bin/sh -c 'echo web-stop >> $L'
ExecStopPost=/bin/sh -c 'echo web-stop-post >> $L'
EOT
cat > "$U/prefail.service" <<EOT
[Service]
ExecStartPre=/bin/false
ExecStart=/bin/sh -c 'echo prefail-ran >> $L'
EOT
cat > "$U/ready.service" <<EOT
[Service]
Type=notify
ExecStart=/usr/bin/python3 -c 'import os, socket, time; time.sleep(0.3); s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.connect("\\0" + os.environ["NOTIFY_SOCKET"][1:]); open("$L", "a").write("ready-sent\\n"); s.send(b"STATUS=up\\nREADY=1"); time.sleep(100)'
ExecStartPost=/bin/sh -c 'echo ready-post >> $L'
EOT
cat > "$U/asnobody.service" <<EOT
[Service]
Type=oneshot
User=nobody
Group=nogroup
WorkingDirectory=/
ExecStart=/bin/sh -c 'echo "id \$(id -u):\$(id -g) \$USER \$(pwd)" > $T/whoami'
EOT
cat > "$U/remain.service" <<EOT
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
ExecStop=/bin/sh -c 'echo remain-stop >> $L'
EOT
cat > "$U/quitter.service" <<EOT
[Service]
Type=notify
ExecStart=/bin/true
EOT
cat > "$U/mute.service" <<EOT
[Service]
Type=notify
TimeoutStartSec=500ms
ExecStart=/bin/sleep 100
EOT
cat > "$U/crash.service" <<EOT
[Unit]
StartLimitBurst=3
StartLimitIntervalSec=10s
[Service]
ExecStart=/bin/sh -c 'echo crash >> $L; exit 3'
Restart=on-failure
RestartSec=100ms
EOT
cat > "$U/orphan.service" <<EOT
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'sleep 0.3 & echo \$! > $T/orphan.pid'
EOT
cat > "$U/bad.service" <<EOT
[Service]
ExecStart=/bin/true
Restart=sometimes
EOT
cat > "$U/default.target" <<EOT
[Unit]
Wants=prep.service web.service crash.service orphan.service bad.service prefail.service ready.service mute.service asnobody.service remain.service quitter.service
After=prep.service web.service ready.service
EOT

"$init" --units "$U" >"$T/out" 2>&1 &
pid=$!
on_exit "kill $pid 2>/dev/null"
for line in "crash.service: failed: start limit hit" "berth: ready" "ready.service: ready" "mute.service: start timed out"; do
	wait_for "$T/out" "$line" 10 || true
done
cat "$T/out"
assert_contains "$T/out" "berth: ready"
assert_contains "$T/out" "error: $U/bad.service:3: invalid Restart=sometimes"
assert_contains "$T/out" "bad.service: not started: $U/bad.service:3: invalid Restart=sometimes"
assert_contains "$T/out" "crash.service: failed: start limit hit (3 starts within 10000 ms)"
[ "$(grep -c '^crash$' "$L")" = 3 ] || fail "crash.service ran $(grep -c '^crash$' "$L") times, expected 3"
# Type=simple: ExecStartPost= runs once the main process is forked, alongside it.
order=$(grep -E '^(prep|prep2|web-pre|web-post)$' "$L" | tr '\n' ' ')
[ "$order" = "prep prep2 web-pre web-post " ] || fail "prep, prep2, web-pre, web-post ran in this order: $order"
[ "$(grep -n -E '^web-pre$' "$L" | cut -d: -f1)" -lt "$(grep -n '^web hello' "$L" | cut -d: -f1)" ] ||
	fail "web's main process ran before its ExecStartPre="
assert_contains "$T/out" "prefail.service: ExecStartPre= failed"
assert_not_contains "$L" "prefail-ran"
[ "$(grep -E '^ready' "$L" | tr '\n' ' ')" = "ready-sent ready-post " ] || { cat "$L"; fail "ExecStartPost= of the notify unit ran before READY=1"; }
assert_contains "$T/out" "ready.service: ready"
assert_contains "$T/out" "quitter.service: exited before READY=1"
assert_contains "$T/out" "quitter.service: failed"
assert_contains "$T/whoami" "id $(id -u nobody):$(getent group nogroup | cut -d: -f3) nobody /"
assert_contains "$T/out" "mute.service: start timed out (TimeoutStartSec=)"
[ "$(grep -c 'mute.service: failed' "$T/out")" = 1 ] || fail "mute.service failed more than once"
assert_contains "$L" "web hello the world"
ok "order and environment"
orphan=$(cat "$T/orphan.pid")
sleep 0.5
[ -z "$(ps -o stat= -p "$orphan" 2>/dev/null)" ] || fail "the orphan $orphan is still there: $(ps -o stat= -p "$orphan")"
ok "the orphan was reaped"

web=$(sed -n 's/^web hello the world //p' "$L")
kill -0 "$web" || fail "web.service is not running"
kill -TERM $pid
wait $pid || fail "berth-init exited with status $?"
assert_contains "$L" "remain-stop"
assert_contains "$T/out" "web.service: stopping"
assert_contains "$T/out" "web.service: main process killed by signal 15"
[ "$(grep -E '^web-stop' "$L" | tr '\n' ' ')" = "web-stop web-stop-post " ] || { cat "$L"; fail "ExecStop= and ExecStopPost= did not run in order"; }
! kill -0 "$web" 2>/dev/null || fail "web.service's process $web outlived init"
! grep -q "ERROR: AddressSanitizer\|runtime error" "$T/out" || fail "a sanitizer reported a problem"
ok "stopped cleanly"

# An ordering cycle is reported, naming it, and broken: the units start by
# name, and the system still comes up (a bad unit file must not stop a boot).
printf '[Unit]\nAfter=b.service\n[Service]\nType=oneshot\nExecStart=/bin/true\n' > "$T/a.service"
mkdir -p "$T/cyc" && mv "$T/a.service" "$T/cyc/"
printf '[Unit]\nAfter=a.service\n[Service]\nType=oneshot\nExecStart=/bin/true\n' > "$T/cyc/b.service"
printf '[Unit]\nWants=a.service b.service\n' > "$T/cyc/default.target"
"$init" --units "$T/cyc" >"$T/cyc.out" 2>&1 &
cyc=$!
wait_for "$T/cyc.out" "berth: ready" || true
kill $cyc; wait $cyc
cat "$T/cyc.out"
assert_contains "$T/cyc.out" "ordering cycle in the goal: a.service -> b.service -> a.service; starting by name"
assert_contains "$T/cyc.out" "b.service: exited"
assert_contains "$T/cyc.out" "berth: ready"
