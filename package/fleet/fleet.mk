# fleetd and fleetctl, Berth's cluster init (docs/fleet.md), from src/ in this
# tree, static against musl, libcurl, jansson and libsodium; fleetd.service
# runs fleetd on every node, after etcd (package/etcd).
FLEET_VERSION := $(BERTH_VERSION)
FLEET_LICENSE := LicenseRef-Berth
FLEET_DEPENDENCIES := musl curl jansson libsodium
FLEET_INPUTS = $(BUILD_DIR)/target-bin/fleetd $(BUILD_DIR)/target-bin/fleetctl $(FLEET_PKGDIR)/fleetd.service

define FLEET_INSTALL_CMDS
	install -D -m 0755 $(BUILD_DIR)/target-bin/fleetd $(FLEET_DEST)/usr/sbin/fleetd
	install -D -m 0755 $(BUILD_DIR)/target-bin/fleetctl $(FLEET_DEST)/usr/bin/fleetctl
	install -D -m 0644 $(FLEET_PKGDIR)/fleetd.service $(FLEET_DEST)/usr/lib/berth/units/fleetd.service
endef

$(eval $(call berth-package,fleet))
