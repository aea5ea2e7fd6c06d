# The root filesystem and the images made from it.
#   build/rootfs        rootfs/skeleton, then each package's dest/, then the
#                       overlays (BERTH_ROOTFS_OVERLAY), assembled afresh every time
#                       so that a file removed from any of them is gone; then the
#                       post-build scripts (BERTH_ROOTFS_POST_BUILD_SCRIPT).
#   rootfs.squashfs     that tree, kernel in /boot, read-only.
#   slot.img            one slot's contents: rootfs.squashfs, then its dm-verity
#                       hash tree (scripts/mkslot); slot.verity its parameters.
#   rootfs.cpio.gz      the same tree without /boot, as an initramfs (make run-kernel).
#   disk.img, .qcow2    the GPT disk (scripts/mkdisk); then the post-image scripts.
# Owners are root and every timestamp is SOURCE_DATE_EPOCH, so the same inputs give
# the same bytes. No root privileges are needed.

ROOTFS_STAGING := $(BUILD_DIR)/rootfs
ROOTFS_STAMP := $(BUILD_DIR)/.stamp_rootfs
ROOTFS_SKELETON := $(TOPDIR)/rootfs/skeleton
ROOTFS_PACKAGES := $(filter-out musl linux-headers grub,$(PACKAGES))
ROOTFS_OVERLAYS = $(call tree-paths,$(BERTH_ROOTFS_OVERLAY))
ROOTFS_POST_BUILD = $(call tree-paths,$(BERTH_ROOTFS_POST_BUILD_SCRIPT))
ROOTFS_POST_IMAGE = $(call tree-paths,$(BERTH_ROOTFS_POST_IMAGE_SCRIPT))
# The image's identity and its customization: rewritten only when they change, so
# that a no-op make stays one and a changed option rebuilds the rootfs.
ROOTFS_VALUES = $(call value-file,rootfs,$(BERTH_VERSION) $(BERTH_HOSTNAME) $(BERTH_BOARD) $(BERTH_AUTOLOGIN) \
	$(ROOTFS_OVERLAYS) $(ROOTFS_POST_BUILD) $(ROOTFS_PACKAGES) $(SOURCE_DATE_EPOCH))
# Scripts see the build as Buildroot's do.
ROOTFS_SCRIPT_ENV = BERTH_VERSION='$(BERTH_VERSION)' BERTH_BOARD='$(BERTH_BOARD)' \
	BERTH_HOSTNAME='$(BERTH_HOSTNAME)' BERTH_AUTOLOGIN='$(BERTH_AUTOLOGIN)' BUILD_DIR='$(BUILD_DIR)' IMAGES_DIR='$(IMAGES_DIR)' \
	TARGET_DIR='$(ROOTFS_STAGING)' BERTH_CONFIG='$(CONFIG)' TOPDIR='$(TOPDIR)' \
	BERTH_EXTERNAL='$(BERTH_EXTERNAL)'

$(ROOTFS_STAMP): $(ROOTFS_VALUES) $(TOPDIR)/scripts/mkrootfs \
		$(foreach p,$(ROOTFS_PACKAGES),$(call pkgstamp,$(p),installed)) \
		$(shell find $(ROOTFS_SKELETON) $(ROOTFS_OVERLAYS) $(ROOTFS_POST_BUILD) 2>/dev/null) \
		| $(IMAGES_DIR) $(LOG_DIR)
	@printf '>>> rootfs %s Assembling\n' '$(BERTH_VERSION)'
	$(Q)$(ROOTFS_SCRIPT_ENV) $(TOPDIR)/scripts/mkrootfs $(ROOTFS_STAGING) \
		$(ROOTFS_SKELETON) $(foreach p,$(ROOTFS_PACKAGES),$(call pkgdir,$(p))/dest) \
		$(ROOTFS_OVERLAYS)
	$(Q)$(foreach s,$(ROOTFS_POST_BUILD),echo '>>> rootfs post-build $(s)' && \
		$(ROOTFS_SCRIPT_ENV) $(s) $(ROOTFS_STAGING) &&) true
	$(Q)find $(ROOTFS_STAGING) -exec touch -h -d "@$(SOURCE_DATE_EPOCH)" {} +
	$(Q)touch $@

$(IMAGES_DIR)/rootfs.cpio.gz: $(ROOTFS_STAMP)
	$(Q)cd $(ROOTFS_STAGING) && find . -mindepth 1 ! -path './boot' ! -path './boot/*' | \
		LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible > $(BUILD_DIR)/rootfs.cpio
	$(Q)gzip -n -9 -c $(BUILD_DIR)/rootfs.cpio > $@.tmp && rm -f $(BUILD_DIR)/rootfs.cpio
	$(Q)mv $@.tmp $@

# mksquashfs takes every timestamp from SOURCE_DATE_EPOCH (exported).
$(IMAGES_DIR)/rootfs.squashfs: $(ROOTFS_STAMP)
	@printf '>>> rootfs %s Packing %s\n' '$(BERTH_VERSION)' $(@F)
	$(Q)rm -f $@.tmp
	$(Q)mksquashfs $(ROOTFS_STAGING) $@.tmp -noappend -quiet -no-progress -comp xz -Xbcj x86 \
		-all-root \
		-processors $(BERTH_JOBS) >/dev/null
	$(Q)mv $@.tmp $@

$(IMAGES_DIR)/slot.img: $(IMAGES_DIR)/rootfs.squashfs $(TOPDIR)/scripts/mkslot
	@printf '>>> rootfs %s Hashing %s (dm-verity)\n' '$(BERTH_VERSION)' $(@F)
	$(Q)$(TOPDIR)/scripts/mkslot $< $@ $(IMAGES_DIR)/slot.verity
$(IMAGES_DIR)/slot.verity: $(IMAGES_DIR)/slot.img

DISK_CMDLINE = $(BERTH_CONSOLE) $(BERTH_KERNEL_CMDLINE)
DISK_GRUB_CFG = $(firstword $(wildcard $(call board-path,grub.cfg.in)) $(TOPDIR)/board/common/grub.cfg.in)
$(IMAGES_DIR)/disk.img: $(IMAGES_DIR)/slot.img $(IMAGES_DIR)/slot.verity $(call pkgstamp,grub,installed) \
		$(TOPDIR)/scripts/mkdisk $(DISK_GRUB_CFG) \
		$(call value-file,disk,$(BERTH_SLOT_SIZE_MB) $(BERTH_ESP_SIZE_MB) $(BERTH_STATE_SIZE_MB) \
			$(DISK_CMDLINE) $(SOURCE_DATE_EPOCH) $(BERTH_VERSION))
	@printf '>>> disk %s Assembling %s\n' '$(BERTH_VERSION)' $(@F)
	$(Q)BERTH_SLOT_SIZE_MB=$(BERTH_SLOT_SIZE_MB) BERTH_ESP_SIZE_MB=$(BERTH_ESP_SIZE_MB) \
		BERTH_STATE_SIZE_MB=$(BERTH_STATE_SIZE_MB) BERTH_CMDLINE='$(DISK_CMDLINE)' \
		BERTH_BOARD='$(BERTH_BOARD)' BERTH_VERSION='$(BERTH_VERSION)' \
		$(TOPDIR)/scripts/mkdisk $@ $< $(IMAGES_DIR)/slot.verity $(GRUB_PREFIX) \
		$(DISK_GRUB_CFG) $(BUILD_DIR)/disk >/dev/null

$(IMAGES_DIR)/disk.qcow2: $(IMAGES_DIR)/disk.img
	$(Q)qemu-img convert -O qcow2 $< $@.tmp && mv $@.tmp $@

# The post-image scripts run once all images are there, with IMAGES_DIR as $1.
IMAGES := $(IMAGES_DIR)/disk.img $(IMAGES_DIR)/disk.qcow2 $(IMAGES_DIR)/rootfs.squashfs $(IMAGES_DIR)/slot.img \
	$(IMAGES_DIR)/rootfs.cpio.gz $(IMAGES_DIR)/manifest.json
IMAGES_STAMP := $(BUILD_DIR)/.stamp_images
$(IMAGES_STAMP): $(IMAGES) $(ROOTFS_POST_IMAGE) $(call value-file,images,$(ROOTFS_POST_IMAGE))
	$(Q)$(foreach s,$(ROOTFS_POST_IMAGE),echo '>>> images post-image $(s)' && \
		$(ROOTFS_SCRIPT_ENV) $(s) $(IMAGES_DIR) &&) true
	$(Q)touch $@

.PHONY: rootfs images
rootfs: $(IMAGES_DIR)/rootfs.cpio.gz $(IMAGES_DIR)/rootfs.squashfs
images: $(IMAGES_STAMP)
