# Mbed TLS: the TLS (and X.509, crypto) libcurl uses for HTTPS. Static, into the
# sysroot only; nothing goes into the root filesystem. The 2.28 long-term branch.
MBEDTLS_VERSION := 2.28.3
MBEDTLS_SOURCE := mbedtls-$(MBEDTLS_VERSION).tar.gz
# GitHub's archive of the tag v2.28.3, as .../archive/v2.28.3/mbedtls-2.28.3.tar.gz
# (the same file as .../archive/refs/tags/v2.28.3.tar.gz).
MBEDTLS_SITE := https://github.com/Mbed-TLS/mbedtls/archive/v$(MBEDTLS_VERSION)
MBEDTLS_DEBIAN := mbedtls
# 2.28.3's files are Apache-2.0 (LICENSE, SPDX headers). Its README says that
# contributions are taken under both Apache-2.0 and GPL-2.0-or-later so that the
# long-term branches can be offered under either, and Debian's copyright notes
# that GPL-2.0-or-later was offered up to 2.26; 2.28.3 itself is released as
# Apache-2.0. A later 2.28 release marked "Apache-2.0 OR GPL-2.0-or-later" in
# its files would be recorded so.
MBEDTLS_LICENSE := Apache-2.0
MBEDTLS_DEPENDENCIES := musl
# Mbed TLS 2.28 ships no pkg-config files: Berth's, named as 3.x's, one per library.
MBEDTLS_LIBS := mbedcrypto mbedx509 mbedtls
MBEDTLS_INPUTS = $(foreach l,$(MBEDTLS_LIBS),$(MBEDTLS_PKGDIR)/$(l).pc.in)

# Only the three static libraries, with its plain makefiles (no programs, no
# tests), which rely on make's built-in suffix rules that Berth's turn off.
MBEDTLS_MAKE = env -u MAKEFLAGS -u MFLAGS $(MAKE) -j$(BERTH_JOBS) \
	CC="$(TARGET_CC)" CFLAGS="$(TARGET_LIB_CFLAGS)"
define MBEDTLS_BUILD_CMDS
	$(MBEDTLS_MAKE) -C $(MBEDTLS_SRCDIR)/library static
endef

define MBEDTLS_INSTALL_CMDS
	rm -rf $(SYSROOT)/include/mbedtls $(SYSROOT)/include/psa
	mkdir -p $(SYSROOT)/include $(SYSROOT)/lib/pkgconfig
	cp -r $(MBEDTLS_SRCDIR)/include/mbedtls $(MBEDTLS_SRCDIR)/include/psa $(SYSROOT)/include/
	$(foreach l,$(MBEDTLS_LIBS),
	install -m 0644 $(MBEDTLS_SRCDIR)/library/lib$(l).a $(SYSROOT)/lib/
	sed -e 's|@PREFIX@|$(SYSROOT)|' -e 's|@VERSION@|$(MBEDTLS_VERSION)|' \
		$(MBEDTLS_PKGDIR)/$(l).pc.in > $(SYSROOT)/lib/pkgconfig/$(l).pc)
endef

$(eval $(call berth-package,mbedtls))
