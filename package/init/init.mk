# Berth's init (PID 1 and service manager) and initctl, from src/ in this tree,
# static against musl (src/src.mk builds them; this puts them in the image).
INIT_VERSION := $(BERTH_VERSION)
INIT_LICENSE := LicenseRef-Berth
INIT_DEPENDENCIES := musl
INIT_INPUTS = $(BUILD_DIR)/target-bin/init $(BUILD_DIR)/target-bin/initctl

define INIT_INSTALL_CMDS
	install -D -m 0755 $(BUILD_DIR)/target-bin/init $(INIT_DEST)/sbin/init
	install -D -m 0755 $(BUILD_DIR)/target-bin/initctl $(INIT_DEST)/sbin/initctl
endef

$(eval $(call berth-package,init))
