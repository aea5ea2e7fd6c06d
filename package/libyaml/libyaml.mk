# libyaml: the YAML parser of the provisioning agent (#cloud-config user data).
# Static, into the sysroot only, for Berth's programs to link; nothing goes into
# the root filesystem.
LIBYAML_VERSION := 0.2.5
LIBYAML_SOURCE := yaml-$(LIBYAML_VERSION).tar.gz
LIBYAML_SITE := https://github.com/yaml/libyaml/releases/download/$(LIBYAML_VERSION)
LIBYAML_DEBIAN := libyaml
LIBYAML_LICENSE := MIT
LIBYAML_DEPENDENCIES := musl
LIBYAML_CONF_OPTS := --host=x86_64-linux-musl --prefix=$(SYSROOT) \
	--disable-shared --enable-static --disable-dependency-tracking

# Debian's orig is upstream's git tree, without the generated configure (see
# libyaml.hash): autoreconf always, so that either source builds the same way.
define LIBYAML_CONFIGURE_CMDS
	cd $(LIBYAML_SRCDIR) && autoreconf -fi
	cd $(LIBYAML_SRCDIR) && CC="$(TARGET_CC)" CFLAGS="$(TARGET_LIB_CFLAGS)" \
		./configure $(LIBYAML_CONF_OPTS)
endef

define LIBYAML_BUILD_CMDS
	$(MAKE) -C $(LIBYAML_SRCDIR)/src -j$(BERTH_JOBS)
endef

define LIBYAML_INSTALL_CMDS
	$(MAKE) -C $(LIBYAML_SRCDIR)/src install
	$(MAKE) -C $(LIBYAML_SRCDIR)/include install
	$(MAKE) -C $(LIBYAML_SRCDIR) install-pkgconfigDATA
endef

$(eval $(call berth-package,libyaml))
