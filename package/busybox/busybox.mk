# BusyBox: the shell and the core utilities, one static binary against musl,
# from the full configuration kept in the tree (BERTH_BUSYBOX_CONFIG).
BUSYBOX_VERSION := 1.35.0
BUSYBOX_SOURCE := busybox-$(BUSYBOX_VERSION).tar.bz2
BUSYBOX_SITE := https://busybox.net/downloads
BUSYBOX_DEBIAN := busybox
BUSYBOX_LICENSE := GPL-2.0-only
BUSYBOX_DEPENDENCIES := musl linux-headers
BUSYBOX_CONFIG_FILE = $(call tree-paths,$(BERTH_BUSYBOX_CONFIG))
BUSYBOX_INPUTS = $(BUSYBOX_CONFIG_FILE) $(call value-file,busybox,$(BUSYBOX_CONFIG_FILE))
BUSYBOX_MAKE = $(MAKE) -C $(BUSYBOX_SRCDIR) CC=$(TARGET_CC) HOSTCC="$(HOSTCC)" \
	KBUILD_VERBOSE=0 SKIP_STRIP=n

define BUSYBOX_CONFIGURE_CMDS
	test -f $(BUSYBOX_CONFIG_FILE) || { echo "error: BERTH_BUSYBOX_CONFIG: no file $(BUSYBOX_CONFIG_FILE)" >&3; exit 1; }
	cp $(BUSYBOX_CONFIG_FILE) $(BUSYBOX_SRCDIR)/.config
	$(BUSYBOX_MAKE) oldconfig </dev/null
endef

define BUSYBOX_BUILD_CMDS
	$(BUSYBOX_MAKE) -j$(BERTH_JOBS)
endef

define BUSYBOX_INSTALL_CMDS
	$(BUSYBOX_MAKE) CONFIG_PREFIX=$(BUSYBOX_DEST) install
endef

$(eval $(call berth-package,busybox))
