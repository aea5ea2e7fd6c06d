# nft, the nftables tool, as /usr/sbin/nft, for dock's NAT and published-port
# rules (docs/dock.md): Debian 12's binary packages, pinned, not built here.
# package/nftables builds nft from source, but its sources (and libmnl's and
# libnftnl's) cannot be fetched where Berth is built today, so until they can,
# this is Debian's build of the same nftables 1.0.6. It is a glibc program: its
# shared libraries go in /usr/lib/nft and it uses runc's glibc and loader in
# /usr/lib/runc (package/runc), set with patchelf as runc's are, so nothing of
# glibc's is in /lib or /usr/lib. Turned off when the source package is on.
NFTABLES_DEB_VERSION := 1.0.6-2+deb12u2
NFTABLES_DEB_DEBIAN_BINARY := nftables=$(NFTABLES_DEB_VERSION) libnftables1=$(NFTABLES_DEB_VERSION) \
	libmnl0=1.0.4-3 libnftnl11=1.2.4-2 libjansson4=2.14-2 libgmp10=2:6.2.1+dfsg1-1.1 \
	libxtables12=1.8.9-2 libedit2=3.1-20221030-2 libbsd0=0.11.7-2 libmd0=1.0.4-2 libtinfo6=6.4-4
# nftables, libmnl, libnftnl, jansson, GMP, iptables' libxtables, libedit, libbsd, libmd, ncurses.
NFTABLES_DEB_LICENSE := GPL-2.0-only AND LGPL-2.1-or-later AND GPL-2.0-or-later AND MIT AND \
	LGPL-3.0-or-later AND BSD-3-Clause AND BSD-2-Clause AND X11
NFTABLES_DEB_DEPENDENCIES := runc
NFTABLES_DEB_LIBDIR := /usr/lib/nft
NFTABLES_DEB_LIBS := libnftables.so.1 libmnl.so.0 libnftnl.so.11 libjansson.so.4 libgmp.so.10 \
	libxtables.so.12 libedit.so.2 libbsd.so.0 libmd.so.0 libtinfo.so.6

define NFTABLES_DEB_INSTALL_CMDS
	install -D -m 0755 $(NFTABLES_DEB_SRCDIR)/usr/sbin/nft $(NFTABLES_DEB_DEST)/usr/sbin/nft
	mkdir -p $(NFTABLES_DEB_DEST)$(NFTABLES_DEB_LIBDIR)
	for l in $(NFTABLES_DEB_LIBS); do \
		f=$$(find $(NFTABLES_DEB_SRCDIR)/lib $(NFTABLES_DEB_SRCDIR)/usr/lib -name $$l | head -n 1); \
		[ -n "$$f" ] || { echo "nftables-deb: $$l is in none of the packages" >&2; exit 1; }; \
		install -m 0644 "$$(readlink -f $$f)" $(NFTABLES_DEB_DEST)$(NFTABLES_DEB_LIBDIR)/$$l && \
		patchelf --set-rpath '$$ORIGIN:$(RUNC_LIBDIR)' $(NFTABLES_DEB_DEST)$(NFTABLES_DEB_LIBDIR)/$$l || exit 1; \
	done
	patchelf --set-interpreter $(RUNC_LIBDIR)/ld-linux-x86-64.so.2 \
		--set-rpath $(NFTABLES_DEB_LIBDIR):$(RUNC_LIBDIR) $(NFTABLES_DEB_DEST)/usr/sbin/nft
endef

ifneq ($(BERTH_PACKAGE_NFTABLES),y)
$(eval $(call berth-package,nftables-deb))
endif
