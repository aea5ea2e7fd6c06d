# Sourced by tests that boot QEMU: start it with the serial console on a pipe,
# wait for lines, type commands, and always stop it when the test ends.
QEMU_OUT=$T/serial.log

# qemu_start_cmd CMD...: runs CMD (QEMU itself, or `make run`) in a session of its
# own, with the serial console on its stdin and stdout.
qemu_start_cmd() {
	rm -f "$T/serial.in"
	mkfifo "$T/serial.in"
	: > "$QEMU_OUT"
	setsid "$@" <"$T/serial.in" >"$QEMU_OUT" 2>&1 &
	QEMU_PID=$!
	exec 7>"$T/serial.in"
	_qemu_shell=
	on_exit "kill -- -$QEMU_PID 2>/dev/null; exec 7>&-"
	QEMU_T0=$(date +%s.%N)
}
# qemu_start ARGS...: QEMU with the accelerator that works here.
qemu_start() {
	# shellcheck disable=SC2046
	qemu_start_cmd qemu-system-x86_64 $("$TOPDIR/scripts/qemu-accel" "$IMAGES_DIR/bzImage") \
		-nographic -no-reboot "$@"
}
# readme_qemu README PATTERN [SED-EXPR]: READMEQ set to the arguments of
# README's first QEMU line that matches PATTERN (its continuation lines
# joined), as a user would type them, with SED-EXPR applied (a test's own
# paths and port), without -nographic and -no-reboot, which qemu_start adds.
# For: readme_qemu ...; eval "set -- $READMEQ"; qemu_start "$@".
readme_qemu() {
	_rq=$(awk -v pat="$2" '!on && /^    qemu-system-x86_64 / { on = 1; line = "" }
		on { sub(/^ +/, ""); more = sub(/\\$/, ""); line = line $0
			if (!more) { if (line ~ pat) { print line; exit } on = 0 } }' "$1")
	[ -n "$_rq" ] || fail "no QEMU line with $2 in $1"
	echo "readme: $_rq"
	READMEQ=$(echo "$_rq" | sed -e 's/^qemu-system-x86_64//' -e 's/ -nographic//; s/ -no-reboot//' -e "${3:-}")
}
# qemu_make_run TARGET [VAR=VALUE...]: `make TARGET` (run, run-efi), as a user would.
qemu_make_run() {
	qemu_start_cmd make --no-print-directory -C "$TOPDIR" O="$O" "$@" \
		RUN_SSH_PORT=$(free_ports 1)
}

# qemu_wait TEXT [SECONDS]: waits until TEXT appears on the console.
qemu_wait() {
	_end=$(( $(date +%s) + ${2:-60} ))
	while ! grep -aqF -- "$1" "$QEMU_OUT"; do
		if ! kill -0 "$QEMU_PID" 2>/dev/null; then
			tail -n 30 "$QEMU_OUT" >&2; fail "QEMU exited before printing: $1"
		fi
		if [ "$(date +%s)" -ge $_end ]; then
			tail -n 30 "$QEMU_OUT" >&2; fail "no '$1' on the console within ${2:-60}s"
		fi
		sleep 0.05
	done
	ok "console: $1 (after $(echo "$(date +%s.%N) - $QEMU_T0" | bc | cut -c1-5)s)"
}

# assert_ready_slot S: the ready line says the system runs from slot S.
assert_ready_slot() {
	grep -aqE "^berth: ready .* slot=$1" "$QEMU_OUT" || { grep -a "berth: ready" "$QEMU_OUT" >&2; fail "not ready on slot $1"; }
	ok "ready on slot $1"
}

# qemu_send LINE: types LINE and Enter on the serial console, once the login
# prompt there has logged root in (BERTH_AUTOLOGIN) and its shell prompts:
# what is typed before would go to getty.
qemu_send() {
	if [ -z "$_qemu_shell" ]; then
		qemu_wait "berth: autologin as root" 60
		qemu_wait ":~# " 30
		_qemu_shell=1
	fi
	printf '%s\n' "$1" >&7
}
# qemu_value NAME: the value of the last "NAME: VALUE" line on the console.
qemu_value() { tr -d '\r' < "$QEMU_OUT" | sed -n "s/^$1: //p" | tail -n 1; }

# qemu_run CMD [SECONDS]: types CMD on the console and waits until it is done
# (a marker it prints after CMD; the typed line itself does not contain it).
_qemu_runs=0
qemu_run() {
	_qemu_runs=$((_qemu_runs + 1))
	qemu_send "$1; echo \"@@\"\"done-$_qemu_runs\""
	qemu_wait "@@done-$_qemu_runs" "${2:-20}"
}

# qemu_exit_wait [SECONDS]: waits for QEMU to end by itself.
qemu_exit_wait() {
	_end=$(( $(date +%s) + ${1:-30} ))
	while kill -0 "$QEMU_PID" 2>/dev/null; do
		[ "$(date +%s)" -ge $_end ] && { tail -n 20 "$QEMU_OUT" >&2; fail "QEMU still running after ${1:-30}s"; }
		sleep 0.1
	done
	ok "QEMU exited"
}
