# libsodium: Ed25519 signatures (crypto_sign_verify_detached) and SHA-256, for
# checking the signature of an update manifest. Static, into the sysroot only,
# for Berth's programs to link; nothing goes into the root filesystem.
LIBSODIUM_VERSION := 1.0.18
# With Debian 12's patch (CVE-2025-69277: crypto_core_ed25519_is_valid_point
# accepted points outside the main subgroup).
LIBSODIUM_SOURCE := libsodium-$(LIBSODIUM_VERSION).tar.gz libsodium_1.0.18-1+deb12u1.debian.tar.xz
LIBSODIUM_SITE := https://download.libsodium.org/libsodium/releases
LIBSODIUM_DEBIAN := libsodium
LIBSODIUM_LICENSE := ISC
LIBSODIUM_DEPENDENCIES := musl
# --enable-minimal leaves out what Berth does not use (scrypt, XChaCha20 boxes,
# the low-level Ed25519 and Ristretto255 point API...); crypto_sign and SHA-256 stay.
LIBSODIUM_CONF_OPTS := --host=x86_64-linux-musl --prefix=$(SYSROOT) \
	--disable-shared --enable-static --enable-minimal --disable-dependency-tracking

# Debian's orig is upstream's git tree, without the generated configure (see
# libsodium.hash): autoreconf always, so that either source builds the same way.
define LIBSODIUM_CONFIGURE_CMDS
	cd $(LIBSODIUM_SRCDIR) && autoreconf -fi
	cd $(LIBSODIUM_SRCDIR) && CC="$(TARGET_CC)" CFLAGS="$(TARGET_LIB_CFLAGS)" \
		./configure $(LIBSODIUM_CONF_OPTS)
endef

define LIBSODIUM_BUILD_CMDS
	$(MAKE) -C $(LIBSODIUM_SRCDIR) -j$(BERTH_JOBS)
endef

define LIBSODIUM_INSTALL_CMDS
	$(MAKE) -C $(LIBSODIUM_SRCDIR) install
endef

$(eval $(call berth-package,libsodium))
