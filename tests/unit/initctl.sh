#!/bin/sh
# initctl against init's control socket (both host flavour): list, status and
# is-active as systemctl shows them; start, stop and restart at runtime without
# blocking init (a service that ignores SIGTERM is killed after TimeoutStopSec=,
# with ExecStop= run first); changes refused to a user who is not root; exit
# codes as systemctl's.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/init.sh"
init_build
U=$T/units L=$T/log S=$T/init.sock
chmod 755 "$T"
mkdir -p "$U"
cat > "$U/web.service" <<EOT
[Unit]
Description=The web server
[Service]
ExecStart=/bin/sh -c 'echo web-start >> $L; exec sleep 100'
EOT
cat > "$U/manual.service" <<EOT
[Service]
ExecStart=/bin/sh -c 'echo manual-start >> $L; exec sleep 100'
EOT
cat > "$U/stubborn.service" <<EOT
[Service]
ExecStart=/bin/sh -c 'trap "" TERM; while :; do sleep 0.1; done'
ExecStop=/bin/sh -c 'echo stubborn-stop >> $L'
TimeoutStopSec=500ms
EOT
cat > "$U/rival.service" <<EOT
[Unit]
Conflicts=manual.service
[Service]
ExecStart=/bin/sleep 100
EOT
printf '[Unit]\nWants=web.service stubborn.service\n' > "$U/default.target"

init_start --units "$U" --control "$S"
# until_ok CMD...: retries CMD for up to 5 s (until_state is in tests/lib/init.sh).
until_ok() { i=0; until "$@" >/dev/null 2>&1; do i=$((i + 1)); [ $i -lt 50 ] || return 1; sleep 0.1; done; }

"$ctl" -s "$S" list > "$T/list" || fail "initctl list failed"
cat "$T/list"
grep -q '^web.service  *active  *running  *The web server$' "$T/list" || fail "list does not show web.service running"
grep -q '^manual.service  *inactive  *dead' "$T/list" || fail "list does not show manual.service inactive"

"$ctl" -s "$S" status web.service > "$T/status"; rc=$?
cat "$T/status"
[ $rc = 0 ] || fail "status of a running unit exited $rc"
assert_contains "$T/status" "* web.service - The web server"
assert_contains "$T/status" "Loaded: loaded ($U/web.service)"
assert_contains "$T/status" "Active: active (running) since"
grep -q "Main PID: [0-9]" "$T/status" || fail "no main PID"

"$ctl" -s "$S" is-active manual.service > "$T/ia"; rc=$?
[ $rc = 3 ] && grep -qx inactive "$T/ia" || fail "is-active of a stopped unit: exit $rc, $(cat "$T/ia")"
"$ctl" -s "$S" status nothing.service 2> "$T/none"; rc=$?
[ $rc = 4 ] || fail "status of an unknown unit exited $rc"
assert_contains "$T/none" "Unit nothing.service could not be found."

# Not root: queries yes, changes no.
setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" -s "$S" is-active web.service >/dev/null ||
	fail "a plain user cannot query"
setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" -s "$S" stop web.service 2> "$T/denied"; rc=$?
[ $rc = 5 ] || fail "a plain user's stop exited $rc"
assert_contains "$T/denied" "permission denied"
"$ctl" -s "$S" is-active web.service >/dev/null || fail "web.service was stopped by a plain user"

"$ctl" -s "$S" start manual.service || fail "start failed"
until_ok "$ctl" -s "$S" is-active manual.service || fail "manual.service did not start"
"$ctl" -s "$S" restart manual.service || fail "restart failed"
i=0; while [ "$(grep -c manual-start "$L")" != 2 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(grep -c manual-start "$L")" = 2 ] || fail "manual.service started $(grep -c manual-start "$L") times, expected 2"
until_ok "$ctl" -s "$S" is-active manual.service || fail "manual.service is not active after restart"

# Conflicts=: starting rival stops manual.
"$ctl" -s "$S" start rival.service || fail "start rival failed"
until_state rival.service active || fail "rival.service did not start"
until_state manual.service inactive || fail "manual.service was not stopped by its rival"

web=$(sed -n 's/^   Main PID: //p' "$T/status")
"$ctl" -s "$S" stop web.service || fail "stop failed"
until_state web.service inactive || fail "web.service did not stop"
! kill -0 "$web" 2>/dev/null || fail "web.service's process is still there"

# A stop that times out does not block init: it answers meanwhile (--no-block:
# initctl itself would wait for the stop).
"$ctl" -s "$S" --no-block stop stubborn.service || fail "stop stubborn failed"
"$ctl" -s "$S" is-active stubborn.service > "$T/deact"
assert_contains "$T/deact" "deactivating"
until_state stubborn.service inactive || fail "stubborn.service was never stopped"
assert_contains "$L" "stubborn-stop"
assert_contains "$T/out" "stubborn.service: did not stop in time: killing"

# start during a stop: the unit starts again once stopped.
"$ctl" -s "$S" start stubborn.service && until_state stubborn.service active || fail "stubborn did not start"
n=$(grep -c "stubborn.service: started" "$T/out")
"$ctl" -s "$S" --no-block stop stubborn.service && "$ctl" -s "$S" is-active stubborn.service | grep -qx deactivating ||
	fail "stubborn.service is not stopping"
"$ctl" -s "$S" start stubborn.service || fail "start during the stop failed"
until_state stubborn.service active || fail "stubborn.service did not start again after its stop"
[ "$(grep -c "stubborn.service: started" "$T/out")" = $((n + 1)) ] || fail "stubborn.service did not start once more"

kill -TERM $pid
wait $pid || fail "init exited with status $?"
[ ! -e "$S" ] || fail "the control socket was left behind"
