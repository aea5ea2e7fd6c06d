# The root filesystem: rootfs/skeleton, then what each package installed (its
# NAME_DEST), assembled afresh into build/rootfs every time, so a file removed from
# the skeleton or a package is gone from the image too. Packed as a gzip'd newc
# cpio owned by root, with every timestamp at SOURCE_DATE_EPOCH, so the same
# inputs give the same bytes. No root privileges are needed.

ROOTFS_STAGING := $(BUILD_DIR)/rootfs
ROOTFS_SKELETON := $(TOPDIR)/rootfs/skeleton
ROOTFS_PACKAGES := $(filter-out musl linux linux-headers,$(PACKAGES))
# The image's identity: rewritten only when it changes, so a no-op make stays one.
ROOTFS_RELEASE := $(call value-file,rootfs,$(BERTH_VERSION) $(BERTH_HOSTNAME))

$(IMAGES_DIR)/rootfs.cpio.gz: $(ROOTFS_RELEASE) $(TOPDIR)/scripts/mkrootfs \
		$(foreach p,$(ROOTFS_PACKAGES),$(call pkgstamp,$(p),installed)) \
		$(shell find $(ROOTFS_SKELETON)) | $(IMAGES_DIR) $(LOG_DIR)
	@printf '>>> rootfs %s Assembling\n' '$(BERTH_VERSION)'
	$(Q)BERTH_VERSION='$(BERTH_VERSION)' BERTH_HOSTNAME='$(BERTH_HOSTNAME)' \
		BERTH_BOARD='$(BERTH_BOARD)' $(TOPDIR)/scripts/mkrootfs $(ROOTFS_STAGING) $@ \
		$(ROOTFS_SKELETON) $(foreach p,$(ROOTFS_PACKAGES),$(call pkgdir,$(p))/dest)

.PHONY: rootfs
rootfs: $(IMAGES_DIR)/rootfs.cpio.gz
