# libseccomp: the seccomp filter compiler runc links (statically), for the
# filters of dock's containers. Into the sysroot only. Debian 12's patches
# (deb12u1: the system call tables up to Linux 6.7) are applied, as in the
# libseccomp Debian's runc used.
LIBSECCOMP_VERSION := 2.5.4
LIBSECCOMP_SOURCE := libseccomp-$(LIBSECCOMP_VERSION).tar.gz libseccomp_2.5.4-1+deb12u1.debian.tar.xz
LIBSECCOMP_SITE := https://github.com/seccomp/libseccomp/releases/download/v$(LIBSECCOMP_VERSION)
LIBSECCOMP_DEBIAN := libseccomp
LIBSECCOMP_LICENSE := LGPL-2.1-only
LIBSECCOMP_DEPENDENCIES := musl linux-headers

define LIBSECCOMP_CONFIGURE_CMDS
	cd $(LIBSECCOMP_SRCDIR) && CC="$(TARGET_CC)" CFLAGS="$(TARGET_LIB_CFLAGS)" \
		./configure --host=x86_64-linux-musl --prefix=$(SYSROOT) --disable-shared --enable-static \
		--disable-dependency-tracking
endef

define LIBSECCOMP_BUILD_CMDS
	$(MAKE) -C $(LIBSECCOMP_SRCDIR)/src -j$(BERTH_JOBS)
endef

define LIBSECCOMP_INSTALL_CMDS
	$(MAKE) -C $(LIBSECCOMP_SRCDIR)/src install
	$(MAKE) -C $(LIBSECCOMP_SRCDIR)/include install
	$(MAKE) -C $(LIBSECCOMP_SRCDIR) install-pkgconfDATA
endef

$(eval $(call berth-package,libseccomp))
