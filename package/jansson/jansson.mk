# Jansson: JSON parsing and writing, for update manifests and the etcd gateway.
# Static, into the sysroot only, for Berth's programs to link; nothing goes into
# the root filesystem.
JANSSON_VERSION := 2.14
JANSSON_SOURCE := jansson-$(JANSSON_VERSION).tar.gz
JANSSON_SITE := https://github.com/akheron/jansson/releases/download/v$(JANSSON_VERSION)
JANSSON_DEBIAN := jansson
JANSSON_LICENSE := MIT
JANSSON_DEPENDENCIES := musl
JANSSON_CONF_OPTS := --host=x86_64-linux-musl --prefix=$(SYSROOT) \
	--disable-shared --enable-static --disable-dependency-tracking

# Debian's orig is upstream's git tree, without the generated configure (see
# jansson.hash): autoreconf always, so that either source builds the same way.
define JANSSON_CONFIGURE_CMDS
	cd $(JANSSON_SRCDIR) && autoreconf -fi
	cd $(JANSSON_SRCDIR) && CC="$(TARGET_CC)" CFLAGS="$(TARGET_LIB_CFLAGS)" \
		./configure $(JANSSON_CONF_OPTS)
endef

define JANSSON_BUILD_CMDS
	$(MAKE) -C $(JANSSON_SRCDIR)/src -j$(BERTH_JOBS)
endef

define JANSSON_INSTALL_CMDS
	$(MAKE) -C $(JANSSON_SRCDIR)/src install
	$(MAKE) -C $(JANSSON_SRCDIR) install-pkgconfigDATA
endef

$(eval $(call berth-package,jansson))
