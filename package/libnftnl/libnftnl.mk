# libnftnl: the nf_tables netlink library nft is built on. Static, into the
# sysroot only, with its libnftnl.pc; nothing goes into the root filesystem.
# Optional (BERTH_PACKAGE_LIBNFTNL): see package/libnftnl/Config.in.
LIBNFTNL_VERSION := 1.2.4
LIBNFTNL_SOURCE := libnftnl-$(LIBNFTNL_VERSION).tar.bz2
LIBNFTNL_SITE := https://netfilter.org/projects/libnftnl/files
LIBNFTNL_DEBIAN := libnftnl
LIBNFTNL_LICENSE := GPL-2.0-or-later
LIBNFTNL_DEPENDENCIES := musl linux-headers libmnl
# libmnl from the sysroot, through pkg-config; no JSON parsing (jansson).
LIBNFTNL_CONF_OPTS := --host=x86_64-linux-musl --prefix=$(SYSROOT) \
	--disable-shared --enable-static --disable-dependency-tracking \
	--without-json-parsing

define LIBNFTNL_CONFIGURE_CMDS
	cd $(LIBNFTNL_SRCDIR) && $(TARGET_PKG_CONFIG_ENV) CC="$(TARGET_CC)" \
		CFLAGS="$(TARGET_LIB_CFLAGS)" ./configure $(LIBNFTNL_CONF_OPTS)
endef

# The library alone: no examples, no tests.
define LIBNFTNL_BUILD_CMDS
	$(MAKE) -C $(LIBNFTNL_SRCDIR)/src -j$(BERTH_JOBS)
endef

# libnftnl.a, include/libnftnl/*.h and libnftnl.pc.
define LIBNFTNL_INSTALL_CMDS
	$(MAKE) -C $(LIBNFTNL_SRCDIR)/src install
	$(MAKE) -C $(LIBNFTNL_SRCDIR)/include install
	$(MAKE) -C $(LIBNFTNL_SRCDIR) install-pkgconfigDATA
endef

ifeq ($(BERTH_PACKAGE_LIBNFTNL),y)
$(eval $(call berth-package,libnftnl))
endif
