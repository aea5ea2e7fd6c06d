# The Linux kernel, 6.1 longterm series. Built out of tree in build/linux/obj from
# the base config kernel/berth.config, what containers need (kernel/containers.config),
# the board's fragment and any extra fragments, merged onto tinyconfig;
# scripts/check-kconfig then fails the build if an option they require did not
# survive olddefconfig.
LINUX_VERSION := 6.1.176
LINUX_SOURCE := linux-$(LINUX_VERSION).tar.xz
LINUX_SITE := https://cdn.kernel.org/pub/linux/kernel/v6.x
LINUX_DEBIAN := linux
LINUX_LICENSE := GPL-2.0-only
LINUX_OBJ = $(LINUX_DIR)/obj
LINUX_FRAGMENTS := $(TOPDIR)/kernel/berth.config $(TOPDIR)/kernel/containers.config \
	$(call board-path,linux.fragment) \
	$(call tree-paths,$(BERTH_LINUX_FRAGMENTS))
LINUX_INPUTS = $(LINUX_FRAGMENTS) $(TOPDIR)/scripts/check-kconfig \
	$(call value-file,linux,$(LINUX_FRAGMENTS))
# Reproducible: no build user, host or time in the kernel's version string.
LINUX_MAKE = $(MAKE) -C $(LINUX_SRCDIR) O=$(LINUX_OBJ) ARCH=x86_64 CC="$(HOSTCC)" \
	HOSTCC="$(HOSTCC)" KBUILD_BUILD_USER=berth KBUILD_BUILD_HOST=berth \
	KBUILD_BUILD_TIMESTAMP=@$(SOURCE_DATE_EPOCH) KBUILD_BUILD_VERSION=1

define LINUX_CONFIGURE_CMDS
	mkdir -p $(LINUX_OBJ)
	$(LINUX_MAKE) tinyconfig
	cd $(LINUX_OBJ) && $(LINUX_SRCDIR)/scripts/kconfig/merge_config.sh -m -O $(LINUX_OBJ) \
		.config $(LINUX_FRAGMENTS)
	$(LINUX_MAKE) olddefconfig
	$(TOPDIR)/scripts/check-kconfig $(LINUX_OBJ)/.config $(LINUX_FRAGMENTS) >&3
endef

define LINUX_BUILD_CMDS
	$(LINUX_MAKE) -j$(BERTH_JOBS) bzImage
endef

# The kernel goes into the slot with its userland (/boot/bzImage), and to images/.
define LINUX_INSTALL_CMDS
	mkdir -p $(IMAGES_DIR) $(LINUX_DEST)/boot
	cp $(LINUX_OBJ)/arch/x86/boot/bzImage $(LINUX_DEST)/boot/bzImage
	cp $(LINUX_OBJ)/arch/x86/boot/bzImage $(IMAGES_DIR)/bzImage
	cp $(LINUX_OBJ)/.config $(IMAGES_DIR)/linux.config
endef

$(eval $(call berth-package,linux))

# Interactive kernel configuration, kept in the build tree; save a fragment of
# your changes into board/<board>/linux.fragment to keep them.
.PHONY: linux-menuconfig
linux-menuconfig: $(LINUX_STAMP_CONFIGURED)
	$(LINUX_MAKE) menuconfig
	rm -f $(LINUX_STAMP_BUILT)
