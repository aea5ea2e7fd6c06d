# Sourced by tests that run init on the host: build it, start it with its
# output in $T/out, wait for lines, and stop it when the test ends.

# init_build [host|target]: init and initctl in that flavour (host: with
# sanitizers; target: static, as in the image); sets $init and $ctl.
init_build() {
	make --no-print-directory -C "$TOPDIR" O="$O" "${1:-host}-programs" >"$T/build.log" 2>&1 ||
		{ cat "$T/build.log"; fail "build failed"; }
	init=$O/build/${1:-host}-bin/init ctl=$O/build/${1:-host}-bin/initctl
}

# wait_for FILE TEXT [SECONDS]: until FILE has TEXT (5 s by default); false if not.
wait_for() {
	_n=0
	while ! grep -qF -- "$2" "$1" 2>/dev/null; do
		[ $_n -lt $(( ${3:-5} * 10 )) ] || return 1
		sleep 0.1; _n=$((_n + 1))
	done
}

# init_start ARGS...: runs init with ARGS in the background ($pid), its output
# in $T/out, and waits for its ready line.
init_start() {
	# Emptied here, not only by the background job's redirection, which may
	# come after wait_for has already found an earlier init's ready line.
	: >"$T/out"
	"$init" "$@" >"$T/out" 2>&1 &
	pid=$!
	on_exit "kill $pid 2>/dev/null"
	wait_for "$T/out" "berth: ready" 10
	assert_contains "$T/out" "berth: ready"
}

# ctl ARGS...: initctl on init's socket $S.
ctl() { "$ctl" -s "$S" "$@"; }

# until_state UNIT STATE: until `initctl is-active UNIT` says STATE (10 s at
# most); false if it never does.
until_state() {
	_n=0
	until [ "$(ctl is-active "$1")" = "$2" ]; do
		_n=$((_n + 1)); [ $_n -lt 100 ] || return 1
		sleep 0.1
	done
}
