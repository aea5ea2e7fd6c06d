# Sourced by tests that boot several QEMUs at once: VM N (1, 2, ...) has its
# console in $T/vmN.log and takes typed lines from $T/vmN.in; its first NIC is
# QEMU's user network (the host is 10.0.2.2), its second is on a segment all
# the test's VMs share (QEMU socket networking, multicast on the host's
# loopback), with MAC 52:54:00:be:00:0N. Each is killed when the test ends.
VMS_MCAST=230.0.0.1:$(free_ports 1)

# vm_start N DISK [QEMU ARGS...]
vm_start() {
	_n=$1 _disk=$2; shift 2
	rm -f "$T/vm$_n.in"
	mkfifo "$T/vm$_n.in"
	: > "$T/vm$_n.log"
	# A writer that keeps the console's pipe open between typed lines.
	sleep 100000 > "$T/vm$_n.in" &
	on_exit "kill $! 2>/dev/null"
	# shellcheck disable=SC2046
	setsid qemu-system-x86_64 $("$TOPDIR/scripts/qemu-accel" "$IMAGES_DIR/bzImage") -nographic -no-reboot \
		-m 384 -drive "file=$_disk,format=raw,if=virtio" \
		-netdev user,id=u0 -device virtio-net-pci,netdev=u0 \
		-netdev "socket,id=c0,mcast=$VMS_MCAST,localaddr=127.0.0.1" \
		-device "virtio-net-pci,netdev=c0,mac=52:54:00:be:00:0$_n" "$@" \
		<"$T/vm$_n.in" >"$T/vm$_n.log" 2>&1 &
	echo $! > "$T/vm$_n.pid"
	on_exit "kill -- -$! 2>/dev/null"
	eval "_vm_runs_$_n=0"
}
# vm_kill N: the power goes.
vm_kill() { kill -9 "$(cat "$T/vm$1.pid")" 2>/dev/null; }
# vm_wait N TEXT [SECONDS]
vm_wait() {
	_end=$(( $(date +%s) + ${3:-60} ))
	while ! grep -aqF -- "$2" "$T/vm$1.log"; do
		kill -0 "$(cat "$T/vm$1.pid")" 2>/dev/null || { tail -n 30 "$T/vm$1.log" >&2; fail "VM $1 exited before: $2"; }
		[ "$(date +%s)" -lt $_end ] || { tail -n 30 "$T/vm$1.log" >&2; fail "VM $1: no '$2' within ${3:-60}s"; }
		sleep 0.1
	done
}
# vm_ready N: its shell is up (autologin on the console).
vm_ready() {
	vm_wait "$1" "berth: ready" 120
	vm_wait "$1" "berth: autologin as root" 60
	vm_wait "$1" ":~# " 30
	ok "VM $1: $(grep -a "^berth: ready" "$T/vm$1.log" | tail -n 1 | tr -d '\r')"
}
# vm_run N CMD [SECONDS]: types CMD and waits until it is done.
vm_run() {
	eval "_r=\$((_vm_runs_$1 + 1)); _vm_runs_$1=\$_r"
	printf '%s\n' "$2; echo \"@@\"\"done-$_r\"" > "$T/vm$1.in"
	vm_wait "$1" "@@done-$_r" "${3:-30}"
}
# vm_value N NAME: the last "NAME: VALUE" line of its console.
vm_value() { tr -d '\r' < "$T/vm$1.log" | sed -n "s/^$2: //p" | tail -n 1; }
