#!/bin/sh
# The cluster in QEMU: three VMs of the same image on one virtual network
# (QEMU socket networking on the host's loopback), each given a ConfigDrive
# made here: network_data.json gives its second NIC static IPv4 and IPv6
# addresses, and the #cloud-config's berth: section the cluster's etcd
# settings (the same initial_cluster on each; each finds its own entry by its
# address) and its fleet metadata. At their first boot they form an etcd cluster and one
# fleet, with nothing typed on them. `fleetctl start` of a unit that runs
# `dock run` puts it on one of them; powering that VM off moves the unit to
# another within the agent TTL and a few seconds.
. "$TOPDIR/tests/lib/common.sh"
. "$TOPDIR/tests/lib/vms.sh"
. "$TOPDIR/tests/lib/oci.sh"
. "$TOPDIR/tests/lib/ssh.sh"
img=$IMAGES_DIR/disk.img
[ -f "$img" ] || fail "no $img: build first (make)"
bb=$O/build/busybox/dest/bin/busybox
[ -x "$bb" ] || fail "no BusyBox at $bb"
ttl=10

# The container image the unit runs, served to the VMs over HTTP.
root=$T/rootfs
mkdir -p "$root/bin" "$T/www"
cp "$bb" "$root/bin/busybox"
for a in sh echo sleep hostname; do ln -s busybox "$root/bin/$a"; done
oci_layout "$root" "$T/www/web.tar" web:1 '{"Cmd":["/bin/sh","-c","echo web is up; exec sleep 100000"]}'
http_serve "$T/www"

cluster="n1=http://10.88.1.1:2380,n2=http://10.88.1.2:2380,n3=http://10.88.1.3:2380"
for n in 1 2 3; do
	cd=$T/cd$n/openstack/latest
	mkdir -p "$cd"
	printf '{"uuid": "vm%s", "hostname": "node%s"}\n' $n $n > "$cd/meta_data.json"
	cat > "$cd/network_data.json" <<EOT
{"links": [{"id": "cluster", "type": "phy", "ethernet_mac_address": "52:54:00:be:00:0$n"}],
 "networks": [{"id": "net0", "type": "ipv4", "link": "cluster", "ip_address": "10.88.1.$n", "netmask": "255.255.255.0"},
              {"id": "net1", "type": "ipv6", "link": "cluster", "ip_address": "fd00:88::$n", "netmask": "ffff:ffff:ffff:ffff::"}]}
EOT
	cat > "$cd/user_data" <<EOT
#cloud-config
berth:
  etcd:
    initial_cluster: $cluster
    heartbeat_interval: 250
    election_timeout: 2500
  fleet:
    metadata: vm=$n
    agent_ttl: $ttl
    public_ip: \$private_ipv4
EOT
	config_drive "$T/cd$n" "$T/cd$n.img" config-2
	cp --sparse=always "$img" "$T/disk$n.img"
	vm_start $n "$T/disk$n.img" -drive "file=$T/cd$n.img,format=raw,if=virtio"
done
for n in 1 2 3; do
	vm_ready $n
	vm_run $n "sed -n 's/^PUBLIC_IP=/public-ip: /p' /etc/berth/fleet.conf" 30
	# CoreOS's \$private_ipv4, from network_data.json's addresses.
	[ "$(vm_value $n public-ip)" = "10.88.1.$n" ] || fail "VM $n: fleet's PUBLIC_IP is '$(vm_value $n public-ip)', not \$private_ipv4 (10.88.1.$n)"
	vm_run $n "echo \"machine-id: \$(cat /etc/machine-id)\"; ip -4 addr show eth1 | grep -o 'inet [0-9./]*' | sed 's/^/eth1: /'; ip -6 addr show eth1 | grep -o 'inet6 fd[0-9a-f:/]*' | sed 's/^/eth1v6: /'" 30
	eval "id$n=\$(vm_value $n machine-id)"
	[ "$(vm_value $n eth1)" = "inet 10.88.1.$n/24" ] || fail "VM $n: eth1 has '$(vm_value $n eth1)', not network_data.json's 10.88.1.$n/24"
	[ "$(vm_value $n eth1v6)" = "inet6 fd00:88::$n/64" ] || fail "VM $n: eth1 has '$(vm_value $n eth1v6)', not network_data.json's fd00:88::$n/64"
	vm_run $n "wget -q -O /tmp/web.tar http://10.0.2.2:$HTTP_PORT/web.tar && dock load /tmp/web.tar >/dev/null; echo \"loaded: \$?\"" 60
	[ "$(vm_value $n loaded)" = 0 ] || { tail -n 20 "$T/vm$n.log"; fail "VM $n: dock load failed"; }
done
ok "each VM has the static IPv4 and IPv6 addresses of its ConfigDrive's network_data.json"
# The cluster forms (every member healthy), and fleet on it, from the
# cloud-config alone.
vm_run 1 'for i in $(seq 90); do [ "$(etcdctl --endpoints=10.88.1.1:2379,10.88.1.2:2379,10.88.1.3:2379 endpoint health 2>&1 | grep -c "is healthy")" = 3 ] && break; sleep 1; done; etcdctl member list | sed "s/^/member: /"' 120
for m in n1 n2 n3; do grep -aq "^member: .*, started, $m, http://10.88.1" "$T/vm1.log" || fail "etcd member $m is not in the cluster"; done
ok "three VMs form an etcd cluster from their cloud-config"
vm_run 1 'for i in $(seq 60); do [ "$(fleetctl list-machines --no-legend | wc -l)" = 3 ] && break; sleep 1; done; fleetctl list-machines --no-legend -l | sed "s/^/machine: /"' 90
for n in 1 2 3; do
	eval "id=\$id$n"
	grep -aqE "^machine: $id[[:space:]]+10\.88\.1\.$n[[:space:]]+vm=$n" "$T/vm1.log" || fail "fleetctl list-machines: no VM $n ($id)"
done
ok "fleetctl list-machines: the three VMs, with their metadata"

# The unit: a container in the foreground, as a unit runs docker on CoreOS.
vm_run 1 "printf '[Unit]\nDescription=web in a container\n[Service]\nExecStart=/usr/bin/dock run --rm --name web web:1\n' > /tmp/web.service; fleetctl start /tmp/web.service | sed 's/^/start: /'" 120
grep -aq "^start: Unit web.service launched on " "$T/vm1.log" || fail "fleetctl start web.service: $(vm_value 1 start)"
# locate N: AT is the VM whose machine ID fleetctl list-units (typed on VM N)
# names for web.service, active. (Not in a subshell: vm_run counts its runs.)
locate() {
	vm_run "$1" "fleetctl list-units --no-legend -l --fields unit,machine,active | sed 's/^/units: /'" 30
	_m=$(tr -d '\r' < "$T/vm$1.log" | sed -n 's/^units: web\.service[[:space:]]\{1,\}\([0-9a-f]*\)\/.*[[:space:]]active$/\1/p' | tail -n 1)
	at=
	for _n in 1 2 3; do eval "[ \"\$id$_n\" = \"$_m\" ] && at=$_n"; done
}
locate 1
first=$at
[ -n "$first" ] || fail "web.service runs on no VM"
vm_run "$first" "for i in \$(seq 30); do initctl log web.service | grep -q 'web is up' && break; sleep 1; done; dock ps | sed 's/^/ps: /'; initctl log -n 5 web.service | sed 's/^/log: /'" 60
grep -aqE "^ps: .*web:1.*Up.*web" "$T/vm$first.log" || { tail -n 40 "$T/vm$first.log"; fail "VM $first: no container web in dock ps"; }
grep -aq "^log: .*web is up" "$T/vm$first.log" || { grep -a "^log: " "$T/vm$first.log"; fail "VM $first: the container did not say it is up"; }
ok "web.service runs its container on VM $first"

# What fleetd and etcd take on a node (the image's static fleetd).
vm_run "$first" 'echo "rss: fleetd $(sed -n "s/^VmRSS:[[:space:]]*//p" /proc/$(pidof fleetd)/status), etcd $(sed -n "s/^VmRSS:[[:space:]]*//p" /proc/$(pidof etcd)/status)"' 30
echo "bench: resident memory on a cluster node: $(vm_value "$first" rss)"

# That VM's power goes: the unit moves.
other=1
[ "$first" = 1 ] && other=2
vm_kill "$first"
t0=$(date +%s)
moved=
for _ in $(seq 40); do
	locate "$other"
	moved=$at
	[ -n "$moved" ] && [ "$moved" != "$first" ] && break
	sleep 1
done
[ -n "$moved" ] && [ "$moved" != "$first" ] || {
	vm_run "$other" "initctl log -n 40 fleetd.service; fleetctl list-machines; etcdctl endpoint health --cluster" 60
	tail -n 70 "$T/vm$other.log"
	fail "web.service did not move off VM $first"
}
took=$(( $(date +%s) - t0 ))
echo "bench: fleet unit moved after its VM was powered off: $took s (agent TTL $ttl s)"
[ "$took" -le $((ttl + 15)) ] || fail "the unit took $took s to move (TTL $ttl s)"
vm_run "$moved" "for i in \$(seq 30); do initctl log web.service | grep -q 'web is up' && break; sleep 1; done; initctl log -n 5 web.service | sed 's/^/log2: /'" 60
grep -aq "^log2: .*web is up" "$T/vm$moved.log" || fail "VM $moved: the moved container did not say it is up"
ok "powering VM $first off moved web.service to VM $moved in $took s"
