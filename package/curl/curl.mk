# libcurl: the HTTP(S) client of the update agent and, later, of dock. Static,
# into the sysroot only (the library, not the curl tool); nothing goes into the
# root filesystem. HTTP and HTTPS only, TLS by Mbed TLS; the image ships the CA
# bundle it names.
CURL_VERSION := 7.88.1
CURL_SOURCE := curl-$(CURL_VERSION).tar.gz curl_7.88.1-10+deb12u15.debian.tar.xz
CURL_SITE := https://curl.se/download
CURL_DEBIAN := curl
# Debian 12's security fixes (its patch series, CVE-2023-27533 to CVE-2026-7168),
# without Debian's packaging patches: they change configure.ac, Makefile.am or
# ltmain.sh for Debian's own builds (and its GnuTLS and NSS flavours), which
# the release's generated configure does not need.
CURL_DEBIAN_PATCHES_SKIP := 04_workaround_as_needed_bug.patch 08_enable-zsh.patch \
	build-Divide-mit-krb5-gssapi-link-flags-between-LDFLAGS-a.patch 11_omit-directories-from-config.patch \
	Remove-curl-s-LDFLAGS-from-curl-config-static-libs.patch Use-OpenLDAP-specific-functionality.patch \
	90_gnutls.patch 99_nss.patch
CURL_LICENSE := curl
# The kernel's headers: its configure looks for linux/tcp.h (TCP keepalive and
# Fast Open options), and must find it whatever was built before.
CURL_DEPENDENCIES := musl linux-headers mbedtls
# Every other protocol and every optional library off (zlib, brotli, zstd,
# nghttp2, libidn2, libpsl, ssh, ...): none is packaged, and the host's must not
# be found. (7.88.1 has no --disable-docs; only lib/ is built anyway.)
CURL_CONF_OPTS := --host=x86_64-linux-musl --prefix=$(SYSROOT) \
	--disable-shared --enable-static --disable-dependency-tracking \
	--with-mbedtls=$(SYSROOT) --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt \
	--without-ca-path --enable-http --disable-ftp --disable-file --disable-ldap \
	--disable-ldaps --disable-rtsp --disable-dict --disable-telnet --disable-tftp \
	--disable-pop3 --disable-imap --disable-smb --disable-smtp --disable-gopher \
	--disable-mqtt --disable-manual --disable-ntlm-wb --without-zlib --without-brotli \
	--without-zstd --without-nghttp2 --without-libidn2 --without-libpsl \
	--without-libssh2 --without-libssh --without-librtmp --without-libgsasl

define CURL_CONFIGURE_CMDS
	cd $(CURL_SRCDIR) && $(TARGET_PKG_CONFIG_ENV) CC="$(TARGET_CC)" \
		CFLAGS="$(TARGET_LIB_CFLAGS)" ./configure $(CURL_CONF_OPTS)
endef

define CURL_BUILD_CMDS
	$(MAKE) -C $(CURL_SRCDIR)/lib -j$(BERTH_JOBS)
endef

# The library, its headers and libcurl.pc.
define CURL_INSTALL_CMDS
	$(MAKE) -C $(CURL_SRCDIR)/lib install
	$(MAKE) -C $(CURL_SRCDIR)/include install
	$(MAKE) -C $(CURL_SRCDIR) install-pkgconfigDATA
endef

$(eval $(call berth-package,curl))
