# dock, Berth's container command (docs/dock.md), from src/ in this tree, static
# against musl, jansson, libsodium, libarchive and zlib. It runs containers with
# runc (package/runc); its store is /var/lib/dock on STATE. dock-restart.service
# starts at boot the containers whose --restart policy asks for it.
DOCK_VERSION := $(BERTH_VERSION)
DOCK_LICENSE := LicenseRef-Berth
DOCK_DEPENDENCIES := musl curl jansson libsodium libarchive zlib
DOCK_INPUTS = $(BUILD_DIR)/target-bin/dock $(DOCK_PKGDIR)/dock-restart.service

define DOCK_INSTALL_CMDS
	install -D -m 0755 $(BUILD_DIR)/target-bin/dock $(DOCK_DEST)/usr/bin/dock
	install -D -m 0644 $(DOCK_PKGDIR)/dock-restart.service $(DOCK_DEST)/usr/lib/berth/units/dock-restart.service
endef

$(eval $(call berth-package,dock))
