# musl libc: the C library every target program links against, statically.
# Installed into the toolchain's sysroot with its own musl-gcc wrapper, around
# which host/bin/x86_64-berth-linux-musl-gcc adds -static and ccache.
MUSL_VERSION := 1.2.3
MUSL_SOURCE := musl-$(MUSL_VERSION).tar.gz
MUSL_SITE := https://musl.libc.org/releases
MUSL_DEBIAN := musl
MUSL_LICENSE := MIT
MUSL_INPUTS = $(MUSL_PKGDIR)/target-gcc.in

define MUSL_CONFIGURE_CMDS
	cd $(MUSL_SRCDIR) && CC="$(HOSTCC)" ./configure --prefix=$(SYSROOT) \
		--syslibdir=$(SYSROOT)/lib --disable-shared --enable-wrapper=gcc
endef

define MUSL_BUILD_CMDS
	$(MAKE) -C $(MUSL_SRCDIR) -j$(BERTH_JOBS)
endef

define MUSL_INSTALL_CMDS
	$(MAKE) -C $(MUSL_SRCDIR) install
	mkdir -p $(HOST_DIR)/bin
	sed 's|@SYSROOT@|$(SYSROOT)|g' $(MUSL_PKGDIR)/target-gcc.in > $(TARGET_CC)
	chmod +x $(TARGET_CC)
endef

$(eval $(call berth-package,musl))
