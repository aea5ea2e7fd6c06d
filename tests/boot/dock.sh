#!/bin/sh
# Containers with dock and runc on a booted image: images the test builds
# itself (an OCI image layout and a docker save archive, from BusyBox) are
# fetched over HTTP and loaded; dock run prints the container's output and
# returns its exit code; the image's Env, WorkingDir and Cmd are defaults and
# -e, -w, -u, --entrypoint and --read-only change them; Docker's capability
# set and seccomp filter apply; a detached container is listed, exec'd into,
# logged, stopped and removed; a container over --memory is killed by the OOM
# killer and dock ps -a says so; --pids-limit and --cpus reach its cgroup; a
# container on the bridge reaches a server on the host through NAT, and one
# with -p is reached from the host through QEMU's port forward; a
# unit whose ExecStart is dock run starts and stops with initctl, leaving
# nothing running; dock pull gets images from real registries (Debian's
# docker-registry, filled by skopeo) over HTTP and HTTPS.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/qemu.sh"
. "$TOPDIR/tests/lib/oci.sh"
# A failure shows the console's last lines, where the guest said why.
fail() { [ ! -f "$QEMU_OUT" ] || tail -n 40 "$QEMU_OUT" | tr -d '\r' >&2; echo "FAIL: $*" >&2; exit 1; }
[ -f "$IMAGES_DIR/disk.qcow2" ] || fail "no $IMAGES_DIR/disk.qcow2: build first (make)"
bb=$O/build/busybox/dest/bin/busybox
[ -x "$bb" ] || fail "no BusyBox at $bb"

# The images: BusyBox, a passwd with a user, and each its own config.
root=$T/rootfs
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/srv"
cp "$bb" "$root/bin/busybox"
for a in sh echo cat ls nc sleep env id pwd dd head grep wget httpd hostname ip tr sed mkdir mount setarch; do ln -s busybox "$root/bin/$a"; done
# sc N...: makes system call N (no arguments) and says how it went.
cat > "$T/sc.c" <<'EOT'
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		long r = syscall(atol(argv[i]), 0, 0, 0, 0, 0, 0);
		printf("sc %s: %s\n", argv[i], r < 0 ? strerror(errno) : "ok");
	}
	return 0;
}
EOT
"$O/build/host/bin/x86_64-berth-linux-musl-gcc" -static -Os -o "$root/bin/sc" "$T/sc.c" || fail "cannot build the test's sc"
printf 'root:x:0:0:root:/root:/bin/sh\nweb:x:1000:1000:web:/srv:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nweb:x:1000:\n' > "$root/etc/group"
echo "served by dock" > "$root/srv/index.html"
mkdir -p "$T/www"
echo "nat works" > "$T/www/nat.txt"
oci_layout "$root" "$T/www/hello.tar" hello:1 \
	'{"Cmd":["/bin/sh","-c","echo hello from $GREETING in $(pwd) as $(id -u); exit 3"],"Env":["GREETING=dock"],"WorkingDir":"/srv"}'
docker_archive "$root" "$T/www/saved.tar" saved:2 '{"Entrypoint":["/bin/echo","saved says"],"Cmd":["hi"]}'
oci_layout "$root" "$T/www/user.tar" user:1 '{"Cmd":["/bin/id","-u"],"User":"web"}'
# An image whose /etc is a symbolic link to the absolute /etc: -u NAME must
# not find the node's users through it.
mkdir -p "$T/evil/bin"
cp "$bb" "$T/evil/bin/busybox"
ln -s busybox "$T/evil/bin/id"
ln -s /etc "$T/evil/etc"
oci_layout "$T/evil" "$T/www/evil.tar" evil:1 '{"Cmd":["/bin/id","-u"]}'
# Two layers, the upper one with OCI whiteouts: a file deleted, a directory
# made opaque.
mkdir -p "$T/wh1/etc/gone.d" "$T/wh1/opq" "$T/wh1/keep" "$T/wh2/etc" "$T/wh2/opq" "$T/wh2/keep"
echo old > "$T/wh1/etc/gone"; echo old > "$T/wh1/etc/gone.d/f"; echo old > "$T/wh1/opq/old"; echo a > "$T/wh1/keep/a"
: > "$T/wh2/etc/.wh.gone"; : > "$T/wh2/etc/.wh.gone.d"; : > "$T/wh2/opq/.wh..wh..opq"
echo new > "$T/wh2/opq/new"; echo b > "$T/wh2/keep/b"
docker_archive "$root" "$T/www/wh.tar" wh:1 '{}' "$T/wh1" "$T/wh2"
http_serve "$T/www"

# Registries on the host's loopback, plain HTTP and HTTPS (a certificate of its
# own as the CA, made before the guest's clock starts), each with the image
# pushed by skopeo.
rp=$((20000 + ($$ + 11) % 20000)) tp=$((20000 + ($$ + 13) % 20000))
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=10.0.2.2 -days 2 \
	-keyout "$T/reg.key" -out "$T/www/reg.crt" 2>/dev/null || fail "openssl made no certificate"
registry_start plain "$rp"
registry_start tls "$tp" "$T/www/reg.crt" "$T/reg.key"
skopeo copy -q --dest-tls-verify=false "oci-archive:$T/www/hello.tar" "docker://127.0.0.1:$rp/test/hello:1" ||
	fail "skopeo could not push to the HTTP registry"
skopeo copy -q --dest-tls-verify=false "docker-archive:$T/www/saved.tar" "docker://127.0.0.1:$tp/test/saved:2" ||
	fail "skopeo could not push to the HTTPS registry"

img=$T/disk.qcow2
cp "$IMAGES_DIR/disk.qcow2" "$img"
# shellcheck disable=SC2046
wp=$(free_ports 2)
up=$((wp + 1))
qemu_start -m 512 -smp 2 -drive "file=$img,if=virtio,format=qcow2" \
	-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$wp-:8080,hostfwd=udp:127.0.0.1:$up-:5353" \
	-device virtio-net-pci,netdev=n0
qemu_wait "berth: ready" 90

qemu_run "P=$HTTP_PORT"
qemu_run 'for f in hello saved user evil wh; do wget -q -O /tmp/$f.tar http://10.0.2.2:$P/$f.tar || echo "wget $f failed"; done; dock load /tmp/hello.tar; dock load -i /tmp/saved.tar; for f in user evil wh; do dock load /tmp/$f.tar >/dev/null; done; dock images | sed "s/^/images: /"' 60
assert_contains "$QEMU_OUT" "Loaded image: hello:1"
assert_contains "$QEMU_OUT" "Loaded image: saved:2"
grep -aq "^images: hello  *1  " "$QEMU_OUT" || fail "dock images does not list hello:1"
grep -aq "^images: saved  *2  " "$QEMU_OUT" || fail "dock images does not list saved:2"
ok "an OCI layout and a docker save archive loaded"

# The image's defaults, and the container's exit code.
qemu_run 'dock run --rm hello:1; echo "rc: $?"' 60
assert_contains "$QEMU_OUT" "hello from dock in /srv as 0"
[ "$(qemu_value rc)" = 3 ] || fail "dock run returned $(qemu_value rc), not the container's 3"
qemu_run 'dock run --rm saved:2; dock run --rm saved:2 there; echo "rc: $?"' 60
assert_contains "$QEMU_OUT" "saved says hi"
assert_contains "$QEMU_OUT" "saved says there"
[ "$(qemu_value rc)" = 0 ] || fail "dock run of saved:2 returned $(qemu_value rc)"
ok "dock run: output and exit code"

qemu_run 'printf "# from a file\\nFROMFILE=yes\\n\\n  SPACED=kept\\n" > /tmp/envf; dock run --rm -e GREETING=options -w /tmp -u web hello:1; dock run --rm --entrypoint /bin/env -e X=1 --env-file /tmp/envf hello:1 | sed "s/^/env: /"' 60
assert_contains "$QEMU_OUT" "hello from options in /tmp as 1000"
grep -aq "^env: X=1" "$QEMU_OUT" || fail "-e X=1 is not in the container's environment"
grep -aq "^env: FROMFILE=yes" "$QEMU_OUT" && grep -aq "^env: SPACED=kept" "$QEMU_OUT" ||
	fail "--env-file's variables are not in the container's environment"
grep -aq "^env: GREETING=dock" "$QEMU_OUT" || fail "the image's Env is not in the container's environment"
qemu_run 'dock run --rm --read-only hello:1 sh -c "echo x > /x || echo read-only root"' 60
assert_contains "$QEMU_OUT" "read-only root"
# Docker's defaults: 14 capabilities (CapEff 00000000a80425fb), seccomp on,
# and the calls it refuses (mount) refused. Its profile is an allow-list with
# argument checks: personality(PER_LINUX32) is allowed, with ADDR_NO_RANDOMIZE
# it is not (nothing but seccomp refuses it to root). (What is looked for is
# computed, so that the echoed command line cannot match.)
qemu_run 'dock run --rm hello:1 sh -c "grep -E \"^(CapEff|Seccomp):\" /proc/self/status | sed s/^/ctr-/; mkdir /m; mount -t tmpfs none /m || echo mount-refused; setarch linux32 echo ctr-linux32-\$(echo allowed | tr a-z A-Z); setarch linux64 -R echo ctr-norandom-\$(echo allowed | tr a-z A-Z) || echo ctr-norandom-\$(echo refused | tr a-z A-Z)"' 60
grep -aqE "^ctr-CapEff:[[:space:]]+00000000a80425fb" "$QEMU_OUT" || fail "not Docker's capability set"
grep -aqE "^ctr-Seccomp:[[:space:]]+2" "$QEMU_OUT" || fail "no seccomp filter"
assert_contains "$QEMU_OUT" "mount-refused"
grep -aq "^ctr-linux32-ALLOWED" "$QEMU_OUT" || fail "personality(PER_LINUX32), which Docker's profile allows, is refused"
grep -aq "^ctr-norandom-REFUSED" "$QEMU_OUT" && ! grep -aq "^ctr-norandom-ALLOWED" "$QEMU_OUT" ||
	fail "personality(ADDR_NO_RANDOMIZE), which Docker's profile refuses, is allowed"
# As in Docker 25 and later: io_uring_setup (425) refused by the filter, a
# plain call (getpid, 39) not; /proc/interrupts masked; Docker's sysctls.
qemu_run 'dock run --rm hello:1 sh -c "sc 425 39 | sed s/^/ctr-/; echo ctr-ports: \$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start) \$(cat /proc/sys/net/ipv4/ping_group_range); echo ctr-irq: \$(grep -c . /proc/interrupts)"; echo "node-irq: $(grep -c . /proc/interrupts)"' 60
grep -aq "^ctr-sc 425: Operation not permitted" "$QEMU_OUT" || fail "io_uring_setup is not refused by the filter: $(qemu_value "ctr-sc 425")"
grep -aq "^ctr-sc 39: ok" "$QEMU_OUT" || fail "getpid is refused"
[ "$(qemu_value ctr-ports | tr -s ' \t' ' ')" = "0 0 2147483647" ] || fail "Docker's sysctls: $(qemu_value ctr-ports)"
[ "$(qemu_value ctr-irq)" = 0 ] && [ "$(qemu_value node-irq)" -gt 0 ] ||
	fail "/proc/interrupts is not masked: $(qemu_value ctr-irq) lines, $(qemu_value node-irq) on the node"
ok "run options, capabilities and seccomp (Docker 25's: no io_uring), masked paths, sysctls"

# Pulls: plain HTTP from a registry dock.conf calls insecure; HTTPS refused
# without the registry's CA, accepted with it in certs.d; the pulled images run.
qemu_run "echo INSECURE_REGISTRIES=10.0.2.2:$rp > /etc/berth/dock.conf; dock pull 10.0.2.2:$rp/test/hello:1 && dock run --rm 10.0.2.2:$rp/test/hello:1 | sed 's/^/pulled: /'" 90
assert_contains "$QEMU_OUT" "Status: Downloaded 10.0.2.2:$rp/test/hello:1"
grep -aq "^pulled: hello from dock" "$QEMU_OUT" || fail "the image pulled over HTTP does not run"
qemu_run "dock pull 10.0.2.2:$tp/test/saved:2; echo \"tls-unknown: \$?\"" 60
[ "$(qemu_value tls-unknown)" = 1 ] || fail "a registry whose CA the node does not know was trusted"
assert_contains "$QEMU_OUT" "dock: pull 10.0.2.2:$tp/test/saved:2: "
qemu_run "mkdir -p /etc/berth/dock/certs.d/10.0.2.2:$tp && wget -q -O /etc/berth/dock/certs.d/10.0.2.2:$tp/ca.crt http://10.0.2.2:$HTTP_PORT/reg.crt && dock pull 10.0.2.2:$tp/test/saved:2 && dock run --rm 10.0.2.2:$tp/test/saved:2 | sed 's/^/pulled: /'" 90
assert_contains "$QEMU_OUT" "Status: Downloaded 10.0.2.2:$tp/test/saved:2"
grep -aq "^pulled: saved says hi" "$QEMU_OUT" || fail "the image pulled over HTTPS does not run"
ok "dock pull over HTTP and HTTPS (with the registry's CA only)"

# Networking: the bridge's address and a route out, outbound NAT to a server
# on the host, a published port reached from the host through QEMU's port
# forward, and --net none with only a loopback.
qemu_run 'dock run --rm hello:1 sh -c "ip -4 addr show eth0 2>/dev/null | grep -o \"inet [0-9.]*\" | sed s/^/ctr-/; wget -q -O - http://10.0.2.2:$P/nat.txt | sed s/^/ctr-/"; dock run --rm --net none hello:1 sh -c "echo ctr-links: \$(ls /sys/class/net | tr \"\\n\" \" \")"' 60
assert_contains "$QEMU_OUT" "ctr-inet 172.17.0."
assert_contains "$QEMU_OUT" "ctr-nat works"
assert_contains "$QEMU_OUT" "ctr-links: lo "
qemu_run 'dock run -d --name web -p 8080:80 hello:1 httpd -f -p 80 -h /srv >/dev/null; sleep 1; dock ps | sed "s/^/ps: /"' 60
grep -aq "^ps: .*web" "$QEMU_OUT" || fail "the web container is not up"
got=$(curl -s --max-time 10 "http://127.0.0.1:$wp/index.html") || true
[ "$got" = "served by dock" ] || fail "the published port 8080 did not reach the container (got: $got)"
qemu_run 'dock run --rm -p 8080:81 hello:1 true 2>&1 | sed "s/^/dup: /"; dock run --rm -p 9090:80 -p 9090:81 hello:1 true 2>&1 | sed "s/^/dup: /"' 30
grep -aq "^dup: .*-p 8080:81: that port is already published by another container" "$QEMU_OUT" ||
	fail "a port published twice is not refused"
grep -aq "^dup: .*-p 9090:81: that port is given twice" "$QEMU_OUT" || fail "a port given twice in one run is not refused"
qemu_run 'dock rm -f web >/dev/null; iptables -t nat -S DOCK | grep -c 8080 | sed "s/^/published: /"' 30
[ "$(qemu_value published)" = 0 ] || fail "the port is still published after dock rm -f"
# -p .../udp: a datagram sent to the node's port (QEMU's UDP forward)
# reaches the container.
qemu_run 'dock run -d --name udp -p 5353:9999/udp hello:1 nc -u -l -p 9999 >/dev/null' 30
for i in $(seq 20); do
	python3 -c 'import socket, sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"udp works\n", ("127.0.0.1", int(sys.argv[1])))' "$up"
	qemu_run 'echo "udp-got: $(dock logs udp | grep -c "udp works")"' 20
	[ "$(qemu_value udp-got)" = 0 ] || break
	sleep 0.5
done
[ "$(qemu_value udp-got)" != 0 ] || fail "a datagram to the published port 5353/udp did not reach the container"
qemu_run 'dock rm -f udp >/dev/null' 30
ok "bridge networking: outbound NAT, a published port (once only), a UDP port, --net none"

# Whiteouts of an upper layer, through the running container's overlay.
qemu_run 'dock run --rm wh:1 sh -c "echo wh: \$(ls -A /opq) \$(ls -A /keep) \$(ls -A /etc | grep -c -e gone -e wh)"' 30
[ "$(qemu_value wh)" = "new a b 0" ] || fail "whiteouts in the running container (opaque, kept, deleted): $(qemu_value wh)"
ok "OCI whiteouts: a file and a directory deleted, a directory made opaque, in the running container"

# Detached: ps, exec, logs, stop, rm.
qemu_run 'dock run -d --name sleeper hello:1 sh -c "echo started; exec sleep 300" >/dev/null; sleep 1; dock ps | sed "s/^/ps: /"; dock exec sleeper sh -c "echo inside \$(hostname)" ; dock logs sleeper | sed "s/^/logs: /"' 60
grep -aq "^ps: .*hello:1 .*Up .*sleeper" "$QEMU_OUT" || fail "dock ps does not show the detached container up"
assert_contains "$QEMU_OUT" "inside "
grep -aq "^logs: started" "$QEMU_OUT" || fail "dock logs does not show its output"
qemu_run 'dock stop -t 1 sleeper; dock ps -a | sed "s/^/psa: /"; dock rm sleeper; dock ps -a | grep -c sleeper | sed "s/^/left: /"' 60
grep -aq "^psa: .*Exited (137).*sleeper" "$QEMU_OUT" || fail "dock stop did not end it (SIGKILL after -t 1)"
[ "$(qemu_value left)" = 0 ] || fail "dock rm left it"
ok "detached container: ps, exec, logs, stop, rm"

# More of dock run and the commands: a volume read-write and read-only, the
# node's network (--net host), the node's name servers, the image's User (and
# not the node's users through an image's /etc symlink),
# Docker's masked and read-only paths; dock kill; dock logs -f to the end.
# (What is looked for is computed, so that the echoed command cannot match.)
qemu_run 'mkdir -p /tmp/vol && echo on-host > /tmp/vol/in; dock run --rm -v /tmp/vol:/data hello:1 sh -c "echo vol-read: \$(cat /data/in); echo from-ctr > /data/out"; echo "vol-back: $(cat /tmp/vol/out)"; dock run --rm -v /tmp/vol:/data:ro hello:1 sh -c "echo x > /data/x || echo vol-ro-\$(echo refused | tr a-z A-Z)"; echo "vol-x: $(ls /tmp/vol | tr "\n" " ")"' 60
[ "$(qemu_value vol-read)" = on-host ] && [ "$(qemu_value vol-back)" = from-ctr ] ||
	fail "-v HOST:CTR: read '$(qemu_value vol-read)', wrote back '$(qemu_value vol-back)'"
grep -aq "^vol-ro-REFUSED" "$QEMU_OUT" && [ "$(qemu_value vol-x)" = "in out " ] || fail "-v HOST:CTR:ro could be written"
qemu_run 'dock run --rm --net host hello:1 sh -c "echo hostnet: \$(ls /sys/class/net)"; echo "node-dns: $(cat /etc/resolv.conf)"; dock run --rm hello:1 sh -c "echo ctr-dns: \$(cat /etc/resolv.conf)"; dock run --rm user:1 | sed "s/^/uid: /"' 60
for l in dock0 eth0; do
	case " $(qemu_value hostnet) " in *" $l "*) ;; *) fail "--net host: the container sees $(qemu_value hostnet), no $l" ;; esac
done
[ -n "$(qemu_value node-dns)" ] && [ "$(qemu_value ctr-dns)" = "$(qemu_value node-dns)" ] ||
	fail "the container's resolv.conf ($(qemu_value ctr-dns)) is not the node's ($(qemu_value node-dns))"
[ "$(qemu_value uid)" = 1000 ] || fail "the image's User web is not the default: uid $(qemu_value uid)"
qemu_run 'dock run --rm -u core evil:1 2>&1 | sed "s/^/evil: /"' 60
grep -aq '^evil: .*user "core": not in the image.s /etc/passwd' "$QEMU_OUT" ||
	fail "-u core found a user through an image's /etc symlink to the node's: $(qemu_value evil)"
qemu_run 'echo "node-fw: $(ls /sys/firmware | wc -l)"; dock run --rm hello:1 sh -c "echo ctr-fw: \$(ls /sys/firmware | grep -c .); (echo 1 > /proc/sys/kernel/hostname) 2>/dev/null || echo procsys-\$(echo ro | tr a-z A-Z)"' 60
[ "$(qemu_value node-fw)" -gt 0 ] && [ "$(qemu_value ctr-fw)" = 0 ] ||
	fail "/sys/firmware is not masked: $(qemu_value node-fw) entries on the node, $(qemu_value ctr-fw) in the container"
grep -aq "^procsys-RO" "$QEMU_OUT" || fail "/proc/sys is writable in the container"
qemu_run 'dock run -d --name victim hello:1 sleep 1000 >/dev/null; dock kill victim >/dev/null; sleep 1; dock ps -a | grep " victim$" | sed "s/^/killed: /"; dock rm victim >/dev/null; dock run -d --name talker hello:1 sh -c "echo one; sleep 2; echo two" >/dev/null; dock logs -f talker | sed "s/^/follow: /"; echo "follow-end: $(dock ps -a | grep " talker$" | grep -c Exited)"; dock rm talker >/dev/null' 60
grep -aq "^killed: .*Exited (137)" "$QEMU_OUT" || fail "dock kill did not end the container with SIGKILL"
grep -aq "^follow: one" "$QEMU_OUT" && grep -aq "^follow: two" "$QEMU_OUT" && [ "$(qemu_value follow-end)" = 1 ] ||
	fail "dock logs -f did not follow the container to its end"
ok "volumes (rw, ro), --net host, DNS, the image's User, masked and read-only paths, dock kill, dock logs -f"
qemu_run 'dock run -d --restart on-failure:2 --name flaky hello:1 sh -c "echo attempt; exit 1" >/dev/null; dock run -d --restart always --name ever hello:1 sh -c "echo round; exit 0" >/dev/null; sleep 5; dock logs flaky | grep -c attempt | sed "s/^/attempts: /"; dock inspect flaky | grep -o "\"restart_count\": [0-9]*" | sed "s/^/restarts: /"; dock rm flaky; dock stop -t 1 ever >/dev/null; n=$(dock logs ever | grep -c round); sleep 2; echo "rounds: $n $(dock logs ever | grep -c round) $(dock ps -a | grep " ever$" | grep -c Exited)"; dock rm ever' 60
[ "$(qemu_value attempts)" = 3 ] || fail "--restart on-failure:2 ran it $(qemu_value attempts) times, not 3"
# always: a container that ends with 0 runs again, until dock stop.
set -- $(qemu_value rounds)
[ "${1:-0}" -ge 3 ] && [ "${2:-}" = "$1" ] && [ "${3:-}" = 1 ] ||
	fail "--restart always: $1 runs in 5 s (3 or more), $2 after dock stop (the same), exited $3"
qemu_run 'dock run -it --rm hello:1 sh -c "ls -l /proc/self/fd/0 | sed \"s/.*-> /stdin-is: /\""' 60
grep -aq "^stdin-is: /dev/pts/0" "$QEMU_OUT" || fail "dock run -it gave no pseudo-terminal"
ok "--restart on-failure:N and always (until dock stop), -it"

# Limits: memory (OOM kill), pids, cpus in the container's cgroup.
qemu_run 'dock run --name hog --memory 16m hello:1 dd if=/dev/zero of=/dev/null bs=64M count=1; echo "hog: $?"; dock ps -a | sed "s/^/psa: /"' 60
[ "$(qemu_value hog)" = 137 ] || fail "the container over --memory exited $(qemu_value hog), not 137"
grep -aq "^psa: .*Exited (137) OOMKilled.*hog" "$QEMU_OUT" || fail "dock ps -a does not say the OOM killer stopped it"
qemu_run 'dock run --rm --pids-limit 7 --cpus 0.5 --memory 32m hello:1 sh -c "cat /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max /sys/fs/cgroup/memory.max | sed s/^/limit:/"' 60
assert_contains "$QEMU_OUT" "limit:7"
assert_contains "$QEMU_OUT" "limit:50000 100000"
assert_contains "$QEMU_OUT" "limit:33554432"
ok "--memory (OOM killer, reported), --pids-limit and --cpus"

# In a unit: init starts and stops it; the container goes with it.
qemu_run 'mkdir -p /etc/berth/units && printf "%s\n" "[Service]" "ExecStart=/usr/bin/dock run --rm --name web hello:1 sh -c \"trap '"'"'echo web got TERM; exit 0'"'"' TERM; echo web up; sleep 1000 & wait\"" > /etc/berth/units/web.service && initctl daemon-reload && initctl start web.service && sleep 2 && dock ps | sed "s/^/ps: /"' 60
grep -aq "^ps: .*web" "$QEMU_OUT" || fail "the unit's container is not running"
qemu_run 'initctl stop web.service; sleep 1; echo "after: $(initctl is-active web.service) $(ps | grep -c "[s]leep 1000") $(dock ps -a | grep -c web)"; initctl log -n 20 web.service | sed "s/^/weblog: /"' 60
[ "$(qemu_value after)" = "inactive 0 0" ] || fail "after initctl stop: $(qemu_value after) (state, processes, containers)"
grep -aq "^weblog: .*web got TERM" "$QEMU_OUT" || fail "the container did not get the unit's SIGTERM"
ok "a unit running dock run: started and stopped with initctl, nothing left"

# Numbers for make bench (scripts/bench reads the "bench:" lines): dock run to
# the container's first output line (each run waited for to its end before the
# next), next to runc run of a prepared bundle with the
# config dock made for the same container (same namespaces, mounts, seccomp
# filter and cgroup; so the difference is dock's own work) and of one from
# `runc spec` (no seccomp filter, fewer mounts); median of 5 each in
# milliseconds (/proc/uptime); and the pull throughput of an image with an
# 8 MiB layer from the HTTP registry. (BusyBox's shell takes lines of at most
# 1024 characters: hence two.)
qemu_run 'for l in /var/lib/dock/layers/*; do [ -e $l/bin/echo ] && lay=${l##*/}; done; mkdir -p /tmp/b /tmp/c && cp -a /var/lib/dock/layers/$lay /tmp/b/rootfs && cd /tmp/b && runc spec && sed -i -e "s/\"terminal\": true/\"terminal\": false/" -e "s/\"sh\"/\"echo\", \"first\"/" config.json && cd && dock run --name ref --net none hello:1 echo first >/dev/null && rd=$(dock inspect ref | grep -o "/var/lib/dock/containers/[0-9a-f]*" | head -n 1) && sed "s|$rd/rootfs|/tmp/b/rootfs|" $rd/config.json > /tmp/c/config.json; runc run --bundle /tmp/c check | sed "s/^/ref-says: /"' 60
qemu_run 'ms() { read u _ < /proc/uptime; echo "${u%.*}${u#*.}0"; }; med() { sort -n | sed -n 3p; }; for i in 1 2 3 4 5; do t=$(ms); runc run --bundle /tmp/b b$i | { read -r _; echo $(( $(ms) - t )); cat >/dev/null; }; done | med | sed "s/^/runc-spec-ms: /"; for i in 1 2 3 4 5; do t=$(ms); runc run --bundle /tmp/c c$i | { read -r _; echo $(( $(ms) - t )); cat >/dev/null; }; done | med | sed "s/^/runc-ms: /"; for i in 1 2 3 4 5; do t=$(ms); dock run --rm --net none hello:1 echo first | { read -r _; echo $(( $(ms) - t )); cat >/dev/null; }; done | med | sed "s/^/dock-ms: /"; dock rm ref >/dev/null' 180
r=$(qemu_value runc-ms) d=$(qemu_value dock-ms) rs=$(qemu_value runc-spec-ms)
[ "$(qemu_value ref-says)" = first ] || fail "runc run of dock's config did not run the container: $(qemu_value ref-says)"
[ -n "$r" ] && [ -n "$d" ] && [ -n "$rs" ] && [ "$r" -gt 0 ] || fail "no timings of runc run and dock run"
echo "bench: run-to-first-output dock ${d} ms, runc ${r} ms (runc spec's bundle ${rs} ms), ratio $(echo "scale=2; $d / $r" | bc)"
head -c 8388608 /dev/urandom > "$root/srv/big"
oci_layout "$root" "$T/big.tar" big:1 '{"Cmd":["/bin/true"]}'
skopeo copy -q --dest-tls-verify=false "oci-archive:$T/big.tar" "docker://127.0.0.1:$rp/test/big:1" || fail "skopeo could not push big:1"
qemu_run "dock pull 10.0.2.2:$rp/test/big:1 | sed -n 's/^Status: Downloaded .*(\([0-9]*\) bytes in \([0-9.]*\) s, \([0-9.]*\) MB\/s)/pull: \1 \2 \3/p'" 120
set -- $(qemu_value pull)
[ -n "${3:-}" ] || fail "no pull throughput"
echo "bench: pull $1 bytes in $2 s, $3 MB/s"
ok "numbers for make bench"

# A reboot: dock-restart.service starts again the containers whose --restart
# is always, or unless-stopped and not stopped by dock stop, with their port
# and what they wrote; not the others; a --rm one is removed. A container that
# had a port and no policy left its rules behind: the port is free again all
# the same.
qemu_run 'dock run -d --name keeper --restart always -p 8080:80 hello:1 httpd -f -p 80 -h /srv >/dev/null; dock run -d --name unless --restart unless-stopped hello:1 sleep 1000 >/dev/null; dock run -d --name halted --restart unless-stopped hello:1 sleep 1000 >/dev/null; dock run -d --name plain -p 9091:80 hello:1 sh -c "echo plain ran; exec sleep 1000" >/dev/null; dock stop -t 1 halted >/dev/null; dock exec keeper sh -c "echo written before the reboot > /srv/kept.txt"; dock ps | sed "s/^/ps1: /"; sync' 60
[ "$(grep -ac "^ps1: " "$QEMU_OUT")" = 4 ] || fail "not 3 containers running before the reboot (and the heading)"
# A --rm container whose monitor is killed (as init's cgroup.kill would):
# removed at boot, its name free again. An on-failure container the reboot
# ends runs again, as Docker's would. What a power cut can leave of a --rm
# container (its state.json, never flushed, empty; its auto-remove mark):
# removed at boot; an unreadable container without the mark is kept.
qemu_run 'dock run -d --rm --name gone hello:1 sleep 1000 >/dev/null; kill -9 $(dock inspect gone | sed -n "s/.*\"monitor_pid\": \([0-9]*\).*/\1/p"); sleep 0.5; echo "gone-before: $(dock ps -a | grep -c " gone$")"; dock run -d --name flaky --restart on-failure hello:1 sleep 1000 >/dev/null; for k in a b; do d=/var/lib/dock/containers/$(printf "$k%063d" 0); mkdir $d; : > $d/state.json; done; : > $d/../$(printf "a%063d" 0)/auto-remove; sync' 30
[ "$(qemu_value gone-before)" = 1 ] || fail "the --rm container whose monitor was killed is not listed"
qemu_send poweroff
qemu_exit_wait 60
qemu_start -m 512 -smp 2 -drive "file=$img,if=virtio,format=qcow2" \
	-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$wp-:8080" \
	-device virtio-net-pci,netdev=n0
qemu_wait "berth: ready" 90
qemu_run 'echo "unit: $(initctl is-active dock-restart.service)"; dock ps | sed "s/^/ps2: /"; initctl log dock-restart.service | sed "s/^/restartlog: /"' 30
[ "$(qemu_value unit)" = active ] || fail "dock-restart.service is $(qemu_value unit)"
for n in keeper unless flaky; do
	grep -aqE "^ps2: .*Up.* $n[[:space:]]*$" "$QEMU_OUT" || fail "--restart container $n is not running after the reboot"
done
grep -aq "^restartlog: .*removed what a power cut left of --rm container a00000000000" "$QEMU_OUT" ||
	fail "dock-restart.service did not remove the remains of a --rm container"
grep -aq "^restartlog: .*container b00000000000: .*left as it is" "$QEMU_OUT" ||
	fail "dock-restart.service did not name the unreadable container it keeps"
qemu_run 'echo "remains: $(ls /var/lib/dock/containers | grep -c "^[ab]0000")$(ls /var/lib/dock/containers | grep -c "^b0000")"' 30
[ "$(qemu_value remains)" = 11 ] || fail "remains of containers after the reboot (both, kept): $(qemu_value remains)"
for n in halted plain; do
	! grep -aqE "^ps2: .* $n[[:space:]]*$" "$QEMU_OUT" || fail "container $n runs after the reboot"
done
qemu_run 'echo "gone: $(dock ps -a | grep -c " gone$")"; dock run --rm --name gone hello:1 echo name-free | sed "s/^/again: /"' 30
[ "$(qemu_value gone)" = 0 ] || fail "the --rm container ended by the reboot is still there"
[ "$(qemu_value again)" = name-free ] || fail "the name of the --rm container ended by the reboot is not free: $(qemu_value again)"
# dock start returns once runc is started; runc may take seconds to run the
# container while the rest of the boot competes for the CPU.
got=
for i in $(seq 30); do
	got=$(curl -s --max-time 5 "http://127.0.0.1:$wp/kept.txt") && [ -n "$got" ] && break
	sleep 1
done
if [ "$got" != "written before the reboot" ]; then
	qemu_run 'ps | grep -e "[r]unc" -e "[h]ttpd"; runc list; iptables -t nat -S DOCK' 30
	fail "keeper's port after the reboot: got '$got'"
fi
ok "after a reboot: --restart always, unless-stopped and on-failure run again, with their port and their files; a stopped one and one without a policy do not; a --rm one's remains go"
qemu_run 'dock run --rm -p 9091:80 hello:1 echo port-free 2>&1 | sed "s/^/sweep: /"; dock start plain; for i in $(seq 40); do [ "$(dock logs plain | grep -c "plain ran")" = 2 ] && break; sleep 0.5; done; echo "plain-runs: $(dock logs plain | grep -c "plain ran")"; dock ps | grep -c " plain$" | sed "s/^/plain-up: /"' 60
grep -aq "^sweep: port-free" "$QEMU_OUT" || fail "the port of a container gone with the reboot is not free: $(qemu_value sweep)"
# Two dock start at once, while a dock run takes an address: one monitor,
# the container alive, two addresses. A started container gets the node's
# name servers of now.
qemu_run 'dock stop -t 1 unless >/dev/null; echo "nameserver 10.0.2.99" >> /etc/resolv.conf; dock start unless >/dev/null & dock start unless >/dev/null & dock run -d --name other hello:1 sleep 1000 >/dev/null; wait; echo "twice: $(dock ps | grep -c " unless$") $(dock exec unless echo alive) $(dock inspect unless other | grep -c "\"ip\": \"172.17.0.$(dock inspect other | sed -n "s/.*\"ip\": \"172.17.0.\([0-9]*\)\".*/\1/p")\"")"; echo "ctr-ns: $(dock exec unless grep -c 10.0.2.99 /etc/resolv.conf)"' 60
[ "$(qemu_value twice)" = "1 alive 1" ] || fail "two dock start at once and a dock run (up, exec, users of other's address): $(qemu_value twice)"
[ "$(qemu_value ctr-ns)" = 1 ] || fail "dock start did not give the container the node's name servers of now"
[ "$(qemu_value plain-runs)" = 2 ] && [ "$(qemu_value plain-up)" = 1 ] ||
	fail "dock start plain: $(qemu_value plain-runs) runs, up $(qemu_value plain-up)"
ok "a stale port freed; dock start runs a stopped container again"
qemu_send poweroff
qemu_exit_wait 60
