# nftables: the nft tool, at /usr/sbin/nft, one static binary against musl,
# for the admin (dock writes its rules with iptables: package/iptables).
# Optional (BERTH_PACKAGE_NFTABLES): see package/nftables/Config.in.
NFTABLES_VERSION := 1.0.6
NFTABLES_SOURCE := nftables-$(NFTABLES_VERSION).tar.xz
NFTABLES_SITE := https://netfilter.org/projects/nftables/files
NFTABLES_DEBIAN := nftables
# Upstream's files are GPL-2.0-only ("version 2 as published by the Free
# Software Foundation"; Debian's copyright agrees); mini-gmp, linked in, is
# LGPL-3.0-or-later OR GPL-2.0-or-later, so the binary is GPL-2.0-only.
NFTABLES_LICENSE := GPL-2.0-only
NFTABLES_DEPENDENCIES := musl linux-headers libmnl libnftnl
# Its bundled mini-gmp instead of GMP; no interactive command line (readline,
# libedit, linenoise), no JSON (jansson), no xtables, no Python module, no man
# pages (asciidoc's a2x is not a host tool). Static: libnftables is linked in.
NFTABLES_CONF_OPTS := --host=x86_64-linux-musl --prefix=/usr --sysconfdir=/etc \
	--disable-shared --enable-static --disable-dependency-tracking \
	--with-mini-gmp --without-cli --without-json --without-xtables \
	--disable-python --disable-man-doc --disable-debug

define NFTABLES_CONFIGURE_CMDS
	cd $(NFTABLES_SRCDIR) && $(TARGET_PKG_CONFIG_ENV) CC="$(TARGET_CC)" \
		CFLAGS="$(TARGET_LIB_CFLAGS)" LDFLAGS="-static -Wl,--gc-sections" \
		./configure $(NFTABLES_CONF_OPTS)
endef

# src/ alone: libnftables and nft; no docs, no Python, no examples. (Later
# releases have one top-level makefile: that builds nft with the rest.)
define NFTABLES_BUILD_CMDS
	if [ -f $(NFTABLES_SRCDIR)/src/Makefile ]; then \
		$(MAKE) -C $(NFTABLES_SRCDIR)/src -j$(BERTH_JOBS); \
	else \
		$(MAKE) -C $(NFTABLES_SRCDIR) -j$(BERTH_JOBS); \
	fi
endef

define NFTABLES_INSTALL_CMDS
	install -D -m 0755 -s $(NFTABLES_SRCDIR)/src/nft $(NFTABLES_DEST)/usr/sbin/nft
endef

ifeq ($(BERTH_PACKAGE_NFTABLES),y)
$(eval $(call berth-package,nftables))
endif
