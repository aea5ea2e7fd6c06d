#!/bin/sh
# init's log (host flavour, --log-dir): what services write to stdout and
# stderr is in `initctl log` (last N lines, by unit) and in DIR/UNIT.log, which
# is rotated to UNIT.log.1 past its cap without losing a line in between;
# `initctl log -f` gets lines as they come; init's own messages about a unit
# are in its log; the services' output is not on init's own stdout.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/init.sh"
init_build
U=$T/units S=$T/init.sock D=$T/logs
mkdir -p "$U"
# 2000 lines of 40 bytes with timestamps: about 110 KB, past a 50000-byte cap twice.
cat > "$U/chatty.service" <<'EOT'
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'i=1; while [ $i -le 2000 ]; do echo "chatty line $i of two thousand......"; i=$((i+1)); done; echo "to stderr" >&2'
EOT
cat > "$U/ticker.service" <<'EOT'
[Service]
ExecStart=/bin/sh -c 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.2; done'
EOT
printf '[Unit]\nWants=chatty.service\n' > "$U/default.target"

init_start --units "$U" --control "$S" --log-dir "$D" --log-size 50000
assert_not_contains "$T/out" "chatty line"

wait_for "$T/out" "chatty.service: running" || true
# The last 4: the last line, stderr's, then init's: exited, running.
"$ctl" -s "$S" log -n 4 chatty.service > "$T/last3" || fail "initctl log failed"
cat "$T/last3"
[ "$(wc -l < "$T/last3")" = 4 ] || fail "log -n 4 gave $(wc -l < "$T/last3") lines"
grep -q "chatty line 2000 of two thousand" "$T/last3" || fail "the last lines are not the last written"
grep -q "chatty.service: to stderr" "$T/last3" || fail "stderr is not in the log"
grep -qE '^[A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} chatty.service: ' "$T/last3" || fail "lines do not read 'Mon DD HH:MM:SS UNIT: text'"
"$ctl" -s "$S" log -n 3000 chatty.service | grep -q "chatty.service: started, pid" || fail "init's own messages about the unit are not in its log"
"$ctl" -s "$S" log nothing.service 2>/dev/null; rc=$?
[ $rc = 4 ] || fail "log of an unknown unit exited $rc"
chmod 755 "$T"
setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" -s "$S" log chatty.service 2>/dev/null; rc=$?
[ $rc = 5 ] || fail "a plain user's log exited $rc: the log is root's"

# Files: rotated past the cap; .log.1 and .log together end with every line in order.
ls -l "$D"
[ -f "$D/chatty.service.log.1" ] || fail "no rotation: $(ls "$D")"
for f in "$D/chatty.service.log" "$D/chatty.service.log.1"; do
	[ "$(wc -c < "$f")" -le 50100 ] || fail "$f is $(wc -c < "$f") bytes, past its cap"
done
cat "$D/chatty.service.log.1" "$D/chatty.service.log" | sed -n 's/.*chatty line \([0-9]*\) .*/\1/p' > "$T/nums"
last=$(tail -n 1 "$T/nums") first=$(head -n 1 "$T/nums")
[ "$last" = 2000 ] || fail "the files end at line $last"
[ "$(wc -l < "$T/nums")" = $((2000 - first + 1)) ] || fail "lines missing between $first and 2000"
ok "files rotated, lines $first..2000 kept in order"

# Follow: a ticker started now shows up on a follower.
"$ctl" -s "$S" log -f -n 0 ticker.service > "$T/follow" 2>&1 &
fpid=$!
on_exit "kill $fpid 2>/dev/null"
"$ctl" -s "$S" start ticker.service || fail "start ticker failed"
# Whenever the follower got in: it then gets every next line.
wait_for "$T/follow" "ticker.service: tick" || true
first=$(sed -n 's/.*ticker.service: tick \([0-9]*\).*/\1/p' "$T/follow" | head -n 1)
[ -n "$first" ] || fail "the follower got no tick"
wait_for "$T/follow" "ticker.service: tick $((first + 2))" || true
assert_contains "$T/follow" "ticker.service: tick $((first + 1))"
assert_contains "$T/follow" "ticker.service: tick $((first + 2))"
assert_not_contains "$T/follow" "chatty"
kill $fpid
# init is still fine after its follower went away.
"$ctl" -s "$S" stop ticker.service || fail "stop ticker failed"
"$ctl" -s "$S" log -n 1 ticker.service | grep -q "stopped" || fail "no 'stopped' in the ticker's log"
kill $pid; wait $pid
ok "init stopped"
