# libmnl: the minimal netlink library, for libnftnl and nft, and for dock to
# talk rtnetlink (links, addresses, routes) itself. Static, into the sysroot
# only, with its libmnl.pc; nothing goes into the root filesystem.
# Optional (BERTH_PACKAGE_LIBMNL): see package/libmnl/Config.in.
LIBMNL_VERSION := 1.0.4
LIBMNL_SOURCE := libmnl-$(LIBMNL_VERSION).tar.bz2
LIBMNL_SITE := https://netfilter.org/projects/libmnl/files
LIBMNL_DEBIAN := libmnl
# The library (src/, include/libmnl/); only the examples, not built, are GPL.
LIBMNL_LICENSE := LGPL-2.1-or-later
LIBMNL_DEPENDENCIES := musl linux-headers
LIBMNL_CONF_OPTS := --host=x86_64-linux-musl --prefix=$(SYSROOT) \
	--disable-shared --enable-static --disable-dependency-tracking

define LIBMNL_CONFIGURE_CMDS
	cd $(LIBMNL_SRCDIR) && CC="$(TARGET_CC)" CFLAGS="$(TARGET_LIB_CFLAGS)" \
		./configure $(LIBMNL_CONF_OPTS)
endef

# The library alone: no examples, no doxygen.
define LIBMNL_BUILD_CMDS
	$(MAKE) -C $(LIBMNL_SRCDIR)/src -j$(BERTH_JOBS)
endef

# libmnl.a, include/libmnl/libmnl.h and libmnl.pc.
define LIBMNL_INSTALL_CMDS
	$(MAKE) -C $(LIBMNL_SRCDIR)/src install
	$(MAKE) -C $(LIBMNL_SRCDIR)/include install
	$(MAKE) -C $(LIBMNL_SRCDIR) install-pkgconfigDATA
endef

ifeq ($(BERTH_PACKAGE_LIBMNL),y)
$(eval $(call berth-package,libmnl))
endif
