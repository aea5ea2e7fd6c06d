# GRUB 2.06, built from its release tarball for the two firmware interfaces the
# disk boots on: i386-pc (BIOS) and x86_64-efi (UEFI), out of tree from one
# source, installed into build/host/grub with its host tools (grub-mkimage,
# grub-editenv). The boot images themselves are made by scripts/mkdisk.
GRUB_VERSION := 2.06
GRUB_SOURCE := grub-$(GRUB_VERSION).tar.xz
GRUB_SITE := https://ftp.gnu.org/gnu/grub
GRUB_DEBIAN := grub2
GRUB_LICENSE := GPL-3.0-or-later
GRUB_PREFIX = $(HOST_DIR)/grub
GRUB_PLATFORMS := i386-pc x86_64-efi
# gcc 12 warns where GRUB 2.06 did not expect it: --disable-werror, as upstream
# advises for newer compilers. Everything optional is off: GRUB here only reads
# GPT, FAT and squashfs, and loads Linux.
GRUB_CONF_OPTS = --prefix=$(GRUB_PREFIX) --disable-nls --disable-werror \
	--disable-grub-mkfont --disable-grub-themes --disable-grub-mount \
	--disable-device-mapper --disable-libzfs --disable-liblzma --disable-efiemu \
	--disable-mm-debug --disable-cache-stats --disable-boot-time

define GRUB_CONFIGURE_CMDS
	$(foreach p,$(GRUB_PLATFORMS),
	mkdir -p $(GRUB_DIR)/build-$(p)
	cd $(GRUB_DIR)/build-$(p) && CC=gcc $(GRUB_SRCDIR)/configure $(GRUB_CONF_OPTS) \
		--target=$(firstword $(subst -, ,$(p))) --with-platform=$(lastword $(subst -, ,$(p))))
endef

define GRUB_BUILD_CMDS
	$(foreach p,$(GRUB_PLATFORMS),
	$(MAKE) -C $(GRUB_DIR)/build-$(p) -j$(BERTH_JOBS))
endef

define GRUB_INSTALL_CMDS
	rm -rf $(GRUB_PREFIX)
	$(foreach p,$(GRUB_PLATFORMS),
	$(MAKE) -C $(GRUB_DIR)/build-$(p) install)
endef

$(eval $(call berth-package,grub))
