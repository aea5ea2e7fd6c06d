#!/bin/sh
# The final kernel configuration of the build has what containers need: every
# option runc's script/check-config.sh and moby's contrib/check-config.sh list
# as "Generally Necessary" for a 6.1 kernel, and the optional ones Berth uses
# (runc, and dock's bridge, veth pairs, iptables NAT and cgroup v2 limits).
# Built in (=y): the kernel has no modules. A missing option fails the test by
# name. The lists are the scripts' own; an option Berth leaves out on purpose
# is in WAIVED with the reason. The options those scripts check only on older
# kernels must not exist in this one's Kconfig (else they would belong in a
# list below).
. "$TOPDIR/tests/lib/common.sh"
config=$O/build/linux/obj/.config
src=$O/build/linux/src
[ -f "$config" ] || fail "no $config: build first (make)"
grep -q '^# Linux/x86_64 6\.1\.' "$config" || fail "$config is not a 6.1 kernel's configuration"

# Left out on purpose, with the reason (and what it would cost).
WAIVED="NETFILTER_XT_MATCH_IPVS"
waived_why() {
	case $1 in
	NETFILTER_XT_MATCH_IPVS) echo "needs IP_VS, the in-kernel load balancer of Docker's swarm mode and kube-proxy's ipvs mode, which nothing in Berth uses (36 KiB of bzImage)" ;;
	esac
}

missing=
# need GROUP OPTION...: every OPTION is =y in the final configuration.
need() {
	_group=$1; shift
	for _o in "$@"; do
		if echo " $WAIVED " | grep -q " $_o "; then
			echo "waived: CONFIG_$_o ($_group): $(waived_why "$_o")"
		elif grep -qx "CONFIG_$_o=y" "$config"; then
			ok "CONFIG_$_o=y ($_group)"
		else
			echo "MISSING: CONFIG_$_o ($_group): $(grep -m1 -E "^(# )?CONFIG_$_o[= ]" "$config" || echo 'not in the configuration')" >&2
			missing="$missing CONFIG_$_o"
		fi
	done
}

# runc's script/check-config.sh, "Generally Necessary" (its 6.1 branch).
need "runc: generally necessary" \
	NAMESPACES NET_NS PID_NS IPC_NS UTS_NS \
	CGROUPS CGROUP_CPUACCT CGROUP_DEVICE CGROUP_FREEZER CGROUP_SCHED CPUSETS MEMCG \
	KEYS VETH BRIDGE BRIDGE_NETFILTER \
	IP_NF_FILTER IP_NF_TARGET_MASQUERADE \
	NETFILTER_XT_MATCH_ADDRTYPE NETFILTER_XT_MATCH_CONNTRACK NETFILTER_XT_MATCH_IPVS \
	IP_NF_NAT NF_NAT POSIX_MQUEUE
# moby's contrib/check-config.sh, "Generally Necessary" on cgroup v2 (its
# cgroup v1 list is runc's cgroup line above), for 4.15 and later: CGROUP_BPF.
need "moby: generally necessary" \
	NAMESPACES NET_NS PID_NS IPC_NS UTS_NS CGROUPS CGROUP_SCHED KEYS \
	VETH BRIDGE BRIDGE_NETFILTER \
	IP_NF_FILTER IP_NF_MANGLE IP_NF_TARGET_MASQUERADE \
	IP6_NF_FILTER IP6_NF_MANGLE IP6_NF_TARGET_MASQUERADE \
	NETFILTER_XT_MATCH_ADDRTYPE NETFILTER_XT_MATCH_CONNTRACK NETFILTER_XT_MATCH_IPVS \
	NETFILTER_XT_MARK IP_NF_RAW IP_NF_NAT NF_NAT IP6_NF_RAW IP6_NF_NAT \
	POSIX_MQUEUE CGROUP_BPF
# moby's cgroup v2 controllers (cpu cpuset io memory pids), and the device
# controller: on cgroup v2 runc filters devices with a BPF program.
need "cgroup v2 controllers (moby's list; runc's device filter)" \
	CGROUP_SCHED FAIR_GROUP_SCHED CPUSETS BLK_CGROUP MEMCG CGROUP_PIDS \
	CGROUP_BPF BPF_SYSCALL
# The optional features of both scripts that Berth uses: user namespaces,
# seccomp, the pids controller, io limits (io.max), cpu limits (--cpus:
# cpu.max), ext4 (STATE, where container storage lives) and the overlay storage
# driver. MEMCG_SWAP is gone in 6.1: swap accounting comes with MEMCG and SWAP.
# MEMCG_KMEM (kernel memory charged to the cgroup) they check only before 4.6,
# where it was optional; it is still an option, off with SLOB.
need "runc and moby: optional, used" \
	USER_NS SECCOMP SECCOMP_FILTER CGROUP_PIDS SWAP MEMCG_KMEM \
	BLK_CGROUP BLK_DEV_THROTTLING CFS_BANDWIDTH FAIR_GROUP_SCHED \
	EXT4_FS EXT4_FS_POSIX_ACL EXT4_FS_SECURITY OVERLAY_FS
# Berth's own: io.weight, a devpts instance per container (UNIX98_PTYS: every
# devpts mount is a new instance since 4.7), unix sockets, SysV IPC in IPC
# namespaces, memfd (runc's cloned binary), tmpfs with xattrs for /dev and /run
# in containers; system calls tinyconfig leaves out that images use (madvise
# and fadvise, membarrier, rseq).
need "Berth: container runtime" \
	BLK_CGROUP_IOCOST UNIX98_PTYS UNIX SYSVIPC MEMFD_CREATE TMPFS TMPFS_XATTR \
	PROC_SYSCTL SLUB ADVISE_SYSCALLS MEMBARRIER RSEQ
# dock: bridge dock0, veth pairs, masquerade out, DNAT for published ports (tcp
# and udp) matched on the host's addresses (addrtype LOCAL), in iptables' nat
# table (legacy x_tables: package/iptables); nf_tables too, for the admin's nft.
need "dock: iptables" \
	NETFILTER NF_CONNTRACK NF_NAT NF_NAT_MASQUERADE NETFILTER_XTABLES \
	NETFILTER_XT_NAT NETFILTER_XT_MATCH_ADDRTYPE NETFILTER_XT_TARGET_MASQUERADE \
	IP_NF_IPTABLES IP_NF_NAT IP_NF_FILTER IPV6 INET
need "nftables for the admin" \
	NF_TABLES NF_TABLES_INET NF_TABLES_IPV4 NF_TABLES_IPV6 NFT_CT NFT_NAT NFT_MASQ \
	NFT_FIB_IPV4 NFT_FIB_IPV6 NFT_FIB_INET NFT_REJECT NF_CT_NETLINK

# Options both scripts check only on older kernels: none exists in 6.1.
for o in NF_NAT_IPV4 NF_NAT_NEEDED DEVPTS_MULTIPLE_INSTANCES MEMCG_SWAP \
		MEMCG_SWAP_ENABLED RESOURCE_COUNTERS IOSCHED_CFQ CFQ_GROUP_IOSCHED; do
	if [ -d "$src" ] && grep -rqx --include='Kconfig*' "config $o" "$src"; then
		fail "CONFIG_$o exists in this kernel: check whether containers need it"
	fi
	ok "CONFIG_$o: not in this kernel (checked by runc or moby on older ones only)"
done

[ -z "$missing" ] || fail "the kernel lacks what containers need:$missing"
