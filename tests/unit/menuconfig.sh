#!/bin/sh
# make menuconfig is the real Kconfig menu: driven through a terminal (tmux), a
# user opens "System", changes the hostname, exits and saves; .config has it.
. "$TOPDIR/tests/lib/common.sh"
command -v tmux >/dev/null || skip "no tmux"
s=berth-menuconfig-$$
tmake qemu_x86_64_defconfig >"$T/def.log" 2>&1 || { cat "$T/def.log"; fail "defconfig failed"; }
tmux new-session -d -s "$s" -x 100 -y 30 \
	"TERM=xterm make --no-print-directory -C '$TOPDIR' O='$T/out' menuconfig; echo \$? > '$T/exit'"
on_exit "tmux kill-session -t $s 2>/dev/null"
screen_has() { # TEXT [SECONDS]
	i=0
	while [ $i -lt $((${2:-15} * 10)) ]; do
		tmux capture-pane -p -t "$s" > "$T/screen" 2>/dev/null
		grep -qF -- "$1" "$T/screen" && return 0
		sleep 0.1; i=$((i + 1))
	done
	cat "$T/screen"; fail "the menu never showed: $1"
}
keys() { tmux send-keys -t "$s" "$@"; sleep 0.3; }

screen_has "Berth configuration"
screen_has "System  --->"
keys Down; keys Enter
screen_has "Hostname"
keys Down; keys Enter
screen_has "Please enter a string value"
i=0; while [ $i -lt 10 ]; do keys BSpace; i=$((i + 1)); done
keys -l "menu-node"; keys Enter
screen_has "(menu-node) Hostname"
keys Escape Escape; sleep 0.5; keys Escape Escape
screen_has "save your new configuration"
keys Enter
i=0; while [ ! -s "$T/exit" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cat "$T/exit" 2>/dev/null)" = 0 ] || fail "make menuconfig did not exit cleanly"
assert_contains "$T/out/.config" 'BERTH_HOSTNAME="menu-node"'
