#!/bin/sh
# systemd's semantics where a unit ends or stops (host flavour):
# - a service whose main process ends by itself runs ExecStop= and
#   ExecStopPost=, then Restart= decides (ExecStopPost= before each restart);
# - ExecStartPost= holds back the units ordered after it until it is done;
# - `initctl stop` of a unit stops what Requires= or BindsTo= it; a unit that
#   fails stops what is bound to it (BindsTo=), and what merely requires it
#   keeps running;
# - Type=exec: the start fails when the program cannot be run;
# - initctl start, stop and restart return once done (or failed), unless
#   --no-block;
# - RestartSteps= and RestartMaxDelaySec= grow the delay between restarts;
# - Requires= a failed unit, or ConditionPathExists= not met: not started.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/init.sh"
init_build
U=$T/units S=$T/init.sock L=$T/log
mkdir -p "$U"
cat > "$U/brief.service" <<EOT
[Service]
ExecStart=/bin/sh -c 'sleep 0.3'
ExecStop=/bin/sh -c 'echo brief-stop >> $L'
ExecStopPost=/bin/sh -c 'echo brief-stop-post >> $L'
EOT
cat > "$U/crashy.service" <<EOT
[Unit]
StartLimitIntervalSec=10s
StartLimitBurst=3
[Service]
ExecStart=/bin/sh -c 'exit 1'
ExecStopPost=/bin/sh -c 'echo crashy-post >> $L'
Restart=on-failure
RestartSec=100ms
EOT
cat > "$U/slowpost.service" <<EOT
[Service]
ExecStart=/bin/sleep 1000
ExecStartPost=/bin/sh -c 'sleep 0.5; echo slowpost-post-done >> $L'
EOT
cat > "$U/later.service" <<EOT
[Unit]
After=slowpost.service
[Service]
ExecStart=/bin/sh -c 'echo later-start >> $L; exec sleep 1000'
EOT
cat > "$U/db.service" <<EOT
[Service]
ExecStart=/bin/sleep 1000
EOT
cat > "$U/web.service" <<EOT
[Unit]
Requires=db.service
After=db.service
[Service]
ExecStart=/bin/sleep 1000
EOT
cat > "$U/side.service" <<EOT
[Unit]
BindsTo=db.service
After=db.service
[Service]
ExecStart=/bin/sleep 1000
EOT
printf '[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/false\nRestart=always\nRestartSec=100ms\nRestartSteps=2\nRestartMaxDelaySec=400ms\n' > "$U/backoff.service"
printf '[Service]\nType=exec\nExecStart=/nonexistent/program\n' > "$U/badexec.service"
printf '[Unit]\nRequires=badexec.service\nAfter=badexec.service\n[Service]\nExecStart=/bin/sleep 1000\n' > "$U/needy.service"
printf '[Unit]\nConditionPathExists=/nonexistent/flag\n[Service]\nExecStart=/bin/sleep 1000\n' > "$U/cond.service"
printf '[Unit]\nAfter=badexec.service\n[Service]\nType=exec\nExecStart=/bin/sleep 1000\n' > "$U/goodexec.service"
printf '[Unit]\nWants=brief.service crashy.service slowpost.service later.service badexec.service goodexec.service backoff.service needy.service cond.service\n' > "$U/default.target"

init_start --units "$U" --control "$S"
wait_for "$L" "later-start" 10 || true
until_state crashy.service failed || fail "crashy.service did not end failed"
until_state brief.service inactive || fail "brief.service did not end"
cat "$L"

grep -q "slowpost-post-done" "$L" && grep -q "later-start" "$L" || fail "slowpost or later did not run"
[ "$(grep -n "slowpost-post-done" "$L" | cut -d: -f1)" -lt "$(grep -n "later-start" "$L" | cut -d: -f1)" ] ||
	fail "later.service started before slowpost.service's ExecStartPost= was done"
ok "ExecStartPost= held back the unit ordered after"

assert_contains "$L" "brief-stop"
[ "$(sed -n '/^brief/p' "$L" | tr '\n' ' ')" = "brief-stop brief-stop-post " ] || fail "brief.service: $(sed -n '/^brief/p' "$L" | tr '\n' ' ')"
[ "$(ctl is-active brief.service)" = inactive ] || fail "brief.service is $(ctl is-active brief.service)"
ok "a service that ended by itself ran ExecStop= and ExecStopPost="
[ "$(grep -c crashy-post "$L")" = 3 ] || fail "crashy.service ran ExecStopPost= $(grep -c crashy-post "$L") times, not 3 (once per start)"
[ "$(ctl is-active crashy.service)" = failed ] || fail "crashy.service is $(ctl is-active crashy.service)"
ok "ExecStopPost= after each of crashy's 3 starts, then failed"

# RestartSteps=: 100 ms, 200 ms, then 400 ms (RestartMaxDelaySec=) between
# restarts, and no more.
_n=0; until [ "$(grep -c "backoff.service: restarting in 400 ms" "$T/out")" -ge 2 ]; do
	_n=$((_n + 1)); [ $_n -lt 100 ] || fail "backoff.service did not restart twice at its longest delay"; sleep 0.1
done
for d in 100 200 400; do
	assert_contains "$T/out" "backoff.service: restarting in $d ms"
done
assert_not_contains "$T/out" "backoff.service: restarting in 800 ms"
"$ctl" -s "$S" stop backoff.service || fail "stop backoff failed"

# Type=exec: a program that cannot run fails the start itself.
[ "$(ctl is-active badexec.service)" = failed ] || fail "badexec.service is $(ctl is-active badexec.service)"
assert_contains "$T/out" "badexec.service: exec /nonexistent/program: No such file or directory"
ctl is-active goodexec.service >/dev/null || fail "goodexec.service is not active"
ok "Type=exec: a missing program fails the start"
assert_contains "$T/out" "needy.service: not started: dependency badexec.service failed"
assert_contains "$T/out" "cond.service: skipped: condition ConditionPathExists=/nonexistent/flag not met"
ctl is-active cond.service >/dev/null && fail "cond.service runs although its condition is not met"
ok "Requires= a failed unit, ConditionPathExists= not met: not started"

# Requires= and BindsTo= on stop.
ctl start web.service && ctl start side.service || fail "start failed"
for u in db web side; do ctl is-active $u.service >/dev/null || fail "$u.service is not active"; done
ctl stop db.service || fail "stop db failed"
until_state web.service inactive; until_state side.service inactive
[ "$(ctl is-active web.service)" = inactive ] || fail "web.service (Requires=db) is $(ctl is-active web.service) after stop db"
[ "$(ctl is-active side.service)" = inactive ] || fail "side.service (BindsTo=db) is $(ctl is-active side.service) after stop db"
assert_contains "$T/out" "web.service: stopping: it requires db.service, which stopped"
ok "stop db.service stopped web.service and side.service"

# db fails by itself: side (BindsTo=) stops, web (Requires=) keeps running.
ctl start web.service && ctl start side.service || fail "start failed"
dbpid=$(ctl status db.service | sed -n 's/.*Main PID: //p')
kill -9 "$dbpid"
until_state db.service failed; until_state side.service inactive
[ "$(ctl is-active db.service)" = failed ] || fail "db.service is $(ctl is-active db.service) after SIGKILL"
[ "$(ctl is-active side.service)" = inactive ] || fail "side.service (BindsTo=db) is $(ctl is-active side.service) after db failed"
ctl is-active web.service >/dev/null || fail "web.service (Requires=db) stopped when db failed"
ok "db failing stopped side.service, not web.service"
# Jobs: start, stop and restart answer once done, as systemctl's.
printf '[Service]\nExecStartPre=/bin/sleep 0.5\nExecStart=/bin/sleep 1000\nExecStop=/bin/sleep 0.3\n' > "$U/slow.service"
printf '[Service]\nExecStartPre=/bin/sleep 0.2\nExecStartPre=/bin/false\nExecStart=/bin/sleep 1000\n' > "$U/broken.service"
ctl daemon-reload || fail "daemon-reload failed"
ctl start slow.service || fail "start slow.service failed"
[ "$(ctl is-active slow.service)" = active ] || fail "start returned before slow.service was up: $(ctl is-active slow.service)"
ctl stop slow.service || fail "stop slow.service failed"
[ "$(ctl is-active slow.service)" = inactive ] || fail "stop returned before slow.service was down: $(ctl is-active slow.service)"
ctl --no-block start slow.service || fail "start --no-block failed"
[ "$(ctl is-active slow.service)" = activating ] || fail "--no-block waited: $(ctl is-active slow.service)"
ctl restart slow.service || fail "restart failed"
[ "$(ctl is-active slow.service)" = active ] || fail "restart returned before slow.service was up again"
ctl start broken.service 2>"$T/broken"; rc=$?
[ $rc = 1 ] || fail "start of a unit that fails exited $rc"
assert_contains "$T/broken" "Job for broken.service failed."
ok "start/stop/restart wait for their job; --no-block does not"

kill $pid; wait $pid
! grep -q "ERROR: AddressSanitizer\|runtime error" "$T/out" || fail "a sanitizer reported a problem"
