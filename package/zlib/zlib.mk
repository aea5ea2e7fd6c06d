# zlib: deflate and gzip, for libarchive's gzip filter (OCI image layers are
# gzip-compressed tars). Static, into the sysroot only; nothing goes into the
# root filesystem.
ZLIB_VERSION := 1.2.13
ZLIB_SOURCE := zlib-$(ZLIB_VERSION).tar.gz
ZLIB_SITE := https://zlib.net/fossils
ZLIB_DEBIAN := zlib
ZLIB_LICENSE := Zlib
ZLIB_DEPENDENCIES := musl

# zlib's own configure script (not autoconf): the static library only.
define ZLIB_CONFIGURE_CMDS
	cd $(ZLIB_SRCDIR) && CC="$(TARGET_CC)" CFLAGS="$(TARGET_LIB_CFLAGS)" \
		./configure --static --prefix=$(SYSROOT)
endef

define ZLIB_BUILD_CMDS
	$(MAKE) -C $(ZLIB_SRCDIR) -j$(BERTH_JOBS) libz.a
endef

# The library, its two headers (zconf.h as configure wrote it) and zlib.pc;
# not the man page.
define ZLIB_INSTALL_CMDS
	mkdir -p $(SYSROOT)/include $(SYSROOT)/lib/pkgconfig
	install -m 0644 $(ZLIB_SRCDIR)/libz.a $(SYSROOT)/lib/
	install -m 0644 $(ZLIB_SRCDIR)/zlib.h $(ZLIB_SRCDIR)/zconf.h $(SYSROOT)/include/
	install -m 0644 $(ZLIB_SRCDIR)/zlib.pc $(SYSROOT)/lib/pkgconfig/
endef

$(eval $(call berth-package,zlib))
