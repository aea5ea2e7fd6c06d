# libarchive: reading (and writing) tar and other archive formats, for dock to
# unpack OCI image layers (gzip-compressed tars, through zlib). Static, into the
# sysroot only (the library, not bsdtar, bsdcpio or bsdcat); nothing goes into
# the root filesystem.
LIBARCHIVE_VERSION := 3.6.2
LIBARCHIVE_SOURCE := libarchive-$(LIBARCHIVE_VERSION).tar.xz libarchive_3.6.2-1+deb12u5.debian.tar.xz
LIBARCHIVE_SITE := https://www.libarchive.org/downloads
LIBARCHIVE_DEBIAN := libarchive
# Most of it is BSD-2-Clause (COPYING); a few files are not and are linked only
# into a program that asks for them: the compress (.Z) filters are BSD-3-Clause,
# archive_getdate.c is public domain, the BLAKE2 code (RAR5) is CC0-1.0 or
# OpenSSL or Apache-2.0.
LIBARCHIVE_LICENSE := BSD-2-Clause
LIBARCHIVE_DEPENDENCIES := musl zlib
# Debian 12's patch series of libarchive 3.6.2-1+deb12u5 is applied: its
# security fixes, among them those to what dock links (reading, CVE-2025-5918;
# the tar reader, CVE-2026-15028), and those to formats dock does not register.
# Those that change Makefile.am or configure.ac (for their tests) change
# nothing here: maintainer mode is off, so the release's generated files stay.
# gzip through zlib, and nothing else optional: no bzip2, xz/lzma, zstd, lz4,
# lzo, libb2 (its own BLAKE2 is used), no crypto library (OpenSSL, Nettle, Mbed
# TLS: digests for mtree and xar, zip encryption), no XML library (xar), no
# iconv (its own UTF-8 conversions; musl's iconv is not used), no ACLs (they
# need libacl), no POSIX regex library (only bsdtar and bsdcpio use it).
# Extended attributes stay: on Linux they need nothing but the libc's
# *xattr() calls, which musl has (checked below).
LIBARCHIVE_CONF_OPTS := --host=x86_64-linux-musl --prefix=$(SYSROOT) \
	--disable-shared --enable-static --disable-dependency-tracking \
	--disable-maintainer-mode --disable-bsdtar --disable-bsdcpio --disable-bsdcat \
	--with-zlib --without-bz2lib --without-libb2 --without-iconv --without-lz4 \
	--without-zstd --without-lzma --without-lzo2 --without-cng --without-mbedtls \
	--without-nettle --without-openssl --without-xml2 --without-expat \
	--disable-posix-regex-lib --disable-acl --enable-xattr

define LIBARCHIVE_CONFIGURE_CMDS
	cd $(LIBARCHIVE_SRCDIR) && $(TARGET_PKG_CONFIG_ENV) CC="$(TARGET_CC)" \
		CFLAGS="$(TARGET_LIB_CFLAGS)" ./configure $(LIBARCHIVE_CONF_OPTS)
	grep -q '^#define ARCHIVE_XATTR_LINUX 1' $(LIBARCHIVE_SRCDIR)/config.h || \
		{ echo 'libarchive: configure found no Linux xattr support in musl' >&2; exit 1; }
endef

define LIBARCHIVE_BUILD_CMDS
	$(MAKE) -C $(LIBARCHIVE_SRCDIR) -j$(BERTH_JOBS) libarchive.la
endef

# The library, archive.h and archive_entry.h, and libarchive.pc.
define LIBARCHIVE_INSTALL_CMDS
	$(MAKE) -C $(LIBARCHIVE_SRCDIR) install-libLTLIBRARIES install-includeHEADERS \
		install-pkgconfigDATA
endef

$(eval $(call berth-package,libarchive))
