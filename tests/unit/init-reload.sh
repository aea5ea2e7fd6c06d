#!/bin/sh
# Changing units while init runs (host flavour), as systemctl users expect:
# is-enabled (enabled/disabled/static); start pulls in what the unit requires,
# in order; reload runs ExecReload=; enable links the unit into its WantedBy=
# target's .wants/ in the admin's directory, disable removes that link or, for a
# unit the image enables, cancels it with a link to /dev/null; daemon-reload
# picks up a new unit file and leaves running units running; the next boot
# follows the links.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/init.sh"
init_build
LIB=$T/lib ETC=$T/etc S=$T/init.sock L=$T/log
chmod 755 "$T" # the plain user below reaches the socket
mkdir -p "$LIB/default.target.wants" "$ETC"
printf '[Unit]\nDescription=Up\n' > "$LIB/default.target"
cat > "$LIB/app.service" <<EOT
[Service]
ExecStart=/bin/sleep 1000
ExecReload=/bin/sh -c 'echo app-reloaded >> $L'
[Install]
WantedBy=default.target
EOT
ln -s ../app.service "$LIB/default.target.wants/app.service"
cat > "$LIB/db.service" <<EOT
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'sleep 0.3; echo db-up >> $L'
EOT
cat > "$LIB/web.service" <<EOT
[Unit]
Requires=db.service
After=db.service
[Service]
ExecStart=/bin/sh -c 'echo web-up >> $L; exec sleep 1000'
[Install]
WantedBy=default.target
EOT
boot() {
	init_start --units "$LIB" --units "$ETC" --control "$S"
}

boot
until_state app.service active || fail "app.service is not active"
[ "$(ctl is-enabled app.service)" = enabled ] || fail "app.service is $(ctl is-enabled app.service)"
ctl is-enabled web.service >"$T/e" && fail "is-enabled of a disabled unit exited 0"
assert_contains "$T/e" "disabled"
[ "$(ctl is-enabled db.service)" = static ] || fail "db.service is $(ctl is-enabled db.service)"
ctl is-active web.service >/dev/null && fail "web.service runs, but nothing wants it"

# start pulls in Requires=, in order.
ctl start web.service || fail "start web.service failed"
until_state web.service active || fail "web.service is not active"
ctl is-active db.service >/dev/null || fail "db.service was not started with web.service"
[ "$(cat "$L")" = "$(printf 'db-up\nweb-up')" ] || fail "order: $(cat "$L")"
ok "start web.service started db.service first"

ctl reload app.service || fail "reload app.service failed"
wait_for "$L" "app-reloaded" || true
assert_contains "$L" "app-reloaded"
ctl reload db.service 2>"$T/r" && fail "reload of a unit without ExecReload= succeeded"
assert_contains "$T/r" "Job type reload is not applicable for unit db.service."

ctl enable web.service >"$T/en" || fail "enable failed"
assert_contains "$T/en" "Created symlink $ETC/default.target.wants/web.service -> $LIB/web.service."
[ "$(readlink "$ETC/default.target.wants/web.service")" = "$LIB/web.service" ] || fail "no link for web.service"
[ "$(ctl is-enabled web.service)" = enabled ] || fail "web.service is not enabled after enable"
ctl disable app.service >"$T/dis" || fail "disable failed"
assert_contains "$T/dis" "Created symlink $ETC/default.target.wants/app.service -> /dev/null (the image enables it)."
[ "$(ctl is-enabled app.service)" = disabled ] || fail "app.service is not disabled after disable"
ctl is-active app.service >/dev/null || fail "disable stopped app.service (it must not)"
ctl enable db.service 2>"$T/st" && fail "enable of a unit without [Install] succeeded"
ctl disable web.service >"$T/dis2" || fail "disable web.service failed"
assert_contains "$T/dis2" "Removed $ETC/default.target.wants/web.service."
[ ! -e "$ETC/default.target.wants/web.service" ] && [ ! -L "$ETC/default.target.wants/web.service" ] ||
	fail "disable left the admin's link"
[ "$(ctl is-enabled web.service)" = disabled ] || fail "web.service is not disabled after disable"
ctl enable web.service >/dev/null || fail "enable web.service again failed"
assert_contains "$T/st" "db.service has no [Install] WantedBy="

# daemon-reload: a new unit appears; running units keep running, same process.
apppid=$(ctl status app.service | sed -n 's/.*Main PID: //p')
printf '[Service]\nExecStart=/bin/sleep 1000\n' > "$ETC/new.service"
ctl status new.service >/dev/null 2>&1; [ $? = 4 ] || fail "new.service known before daemon-reload"
ctl daemon-reload || fail "daemon-reload failed"
ctl status new.service >/dev/null; [ $? = 3 ] || fail "new.service not loaded (inactive) after daemon-reload"
[ "$(ctl status app.service | sed -n 's/.*Main PID: //p')" = "$apppid" ] || fail "app.service's process changed in daemon-reload"
ctl is-active web.service >/dev/null || fail "web.service stopped in daemon-reload"
ok "daemon-reload loaded new.service and kept app and web running"
setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" -s "$S" enable web.service 2>/dev/null
[ $? = 5 ] || fail "a plain user could enable"

# The next boot follows the links: web (and db) up, app not.
kill $pid; wait $pid
: > "$L"
boot
until_state web.service active || fail "web.service is not active"
ctl is-active app.service >/dev/null && fail "the disabled app.service started at boot"
ok "next boot: web.service enabled, app.service disabled"

# A unit waiting to start (after one still starting) that is masked meanwhile:
# daemon-reload cancels its start, as systemd fails a queued start of a masked
# unit; the unit it waited for goes on.
cat > "$ETC/slow.service" <<EOT2
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'sleep 2; echo slow-up >> $L'
EOT2
cat > "$ETC/late.service" <<EOT2
[Unit]
Wants=slow.service
After=slow.service
[Service]
ExecStart=/bin/sh -c 'echo late-up >> $L; exec sleep 1000'
EOT2
ctl daemon-reload || fail "daemon-reload failed"
ctl --no-block start late.service || fail "start --no-block late.service failed"
ln -s /dev/null "$ETC/late.service.masked" && mv "$ETC/late.service.masked" "$ETC/late.service"
ctl daemon-reload || fail "daemon-reload with late.service masked failed"
wait_for "$L" "slow-up" || fail "slow.service did not finish"
sleep 1
assert_not_contains "$L" "late-up"
ctl status late.service >/dev/null 2>&1; [ $? = 4 ] || fail "the masked late.service is still loaded"
ok "a unit waiting to start, masked: daemon-reload cancels its start"
