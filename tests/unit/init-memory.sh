#!/bin/sh
# No unbounded growth: init as shipped (static, musl) supervises a unit through
# 10,000 start/stop cycles; its resident memory and its open descriptors after
# them are where they were after the first 2,000 (by then its log ring, a fixed
# 512 KiB, is full).
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/init.sh"
init_build target
U=$T/units S=$T/init.sock
mkdir -p "$U"
cat > "$U/cycle.service" <<'EOT'
[Unit]
Description=Started and stopped again and again
StartLimitIntervalSec=0
[Service]
ExecStart=/bin/sleep 1000
EOT
printf '[Unit]\n' > "$U/default.target"
init_start --units "$U" --control "$S" --log-dir "$T/logs"

# A cycle: start, then stop (each initctl returns once it is done).
cycles() {
	n=0
	while [ $n -lt "$1" ]; do
		"$ctl" -s "$S" start cycle.service && "$ctl" -s "$S" stop cycle.service >/dev/null || return 1
		n=$((n + 1))
	done
}
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$pid/status; }
fds() { ls /proc/$pid/fd | wc -l; }
cycles 2000 || fail "a start or stop failed"
rss0=$(rss) fds0=$(fds)
t0=$(date +%s)
cycles 8000 || fail "a start or stop failed"
echo "10,000 cycles in $(( $(date +%s) - t0 + 1 )) s or less"
rss1=$(rss) fds1=$(fds)
echo "after 2,000: RSS $rss0 kB, $fds0 descriptors; after 10,000: RSS $rss1 kB, $fds1 descriptors"
starts=$("$ctl" -s "$S" status cycle.service | sed -n 's/.*Starts: \([0-9]*\).*/\1/p')
[ "$starts" = 10000 ] || fail "the unit started $starts times, not 10000"
[ "$fds1" -le "$fds0" ] || fail "descriptors grew from $fds0 to $fds1"
# A page or two of slack for the heap's own bookkeeping, no more.
[ "$rss1" -le $((rss0 + 8)) ] || fail "resident memory grew from $rss0 kB to $rss1 kB"
ok "memory and descriptors stay put"
