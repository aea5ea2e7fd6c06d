# berth-provision, the first-boot configuration agent (docs/provision.md), from
# src/ in this tree, static against musl, libcurl, jansson, libyaml and zlib;
# provision.service runs it early at every boot (it does its work once).
PROVISION_VERSION := $(BERTH_VERSION)
PROVISION_LICENSE := LicenseRef-Berth
PROVISION_DEPENDENCIES := musl curl jansson libyaml zlib
PROVISION_INPUTS = $(BUILD_DIR)/target-bin/berth-provision $(PROVISION_PKGDIR)/provision.service

define PROVISION_INSTALL_CMDS
	install -D -m 0755 $(BUILD_DIR)/target-bin/berth-provision $(PROVISION_DEST)/usr/sbin/berth-provision
	install -D -m 0644 $(PROVISION_PKGDIR)/provision.service $(PROVISION_DEST)/usr/lib/berth/units/provision.service
endef

$(eval $(call berth-package,provision))
