# iptables (legacy x_tables), for dock's NAT and published-port rules
# (docs/dock.md) and for the admin: one static binary against musl,
# /usr/sbin/xtables-legacy-multi, with its extensions built in, called as
# iptables, iptables-save, iptables-restore and their ip6tables twins.
# The nf_tables back end (iptables-nft) needs libmnl and libnftnl, whose
# sources cannot be fetched where Berth is built today (package/libnftnl).
IPTABLES_VERSION := 1.8.9
IPTABLES_SOURCE := iptables-$(IPTABLES_VERSION).tar.xz
IPTABLES_SITE := https://netfilter.org/projects/iptables/files
IPTABLES_DEBIAN := iptables
# The programs and extensions are GPL-2.0-only; libxtables, linked in, too.
IPTABLES_LICENSE := GPL-2.0-only
IPTABLES_DEPENDENCIES := musl linux-headers
# Legacy only; no nfsynproxy, BPF compiler, connlabel (libpcap and
# libnetfilter_conntrack), libipq or development files.
IPTABLES_CONF_OPTS := --host=x86_64-linux-musl --prefix=/usr --sbindir=/usr/sbin \
	--disable-shared --enable-static --disable-dependency-tracking \
	--disable-nftables --disable-bpf-compiler --disable-nfsynproxy \
	--disable-libipq --disable-connlabel --disable-devel
IPTABLES_LINKS := iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore

define IPTABLES_CONFIGURE_CMDS
	cd $(IPTABLES_SRCDIR) && CC="$(TARGET_CC)" CFLAGS="$(TARGET_LIB_CFLAGS)" \
		LDFLAGS="-static -Wl,--gc-sections" ./configure $(IPTABLES_CONF_OPTS)
endef

define IPTABLES_BUILD_CMDS
	$(MAKE) -C $(IPTABLES_SRCDIR) -j$(BERTH_JOBS)
endef

define IPTABLES_INSTALL_CMDS
	install -D -m 0755 -s $(IPTABLES_SRCDIR)/iptables/xtables-legacy-multi \
		$(IPTABLES_DEST)/usr/sbin/xtables-legacy-multi
	for l in $(IPTABLES_LINKS); do ln -sf xtables-legacy-multi $(IPTABLES_DEST)/usr/sbin/$$l || exit 1; done
endef

$(eval $(call berth-package,iptables))
