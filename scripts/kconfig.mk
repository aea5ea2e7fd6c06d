# Configuration with real Kconfig (the kconfig-frontends tools), as Buildroot does.
# .config lives in $(O); it remembers the defconfig it came from (BERTH_DEFCONFIG)
# so that savedefconfig writes back to the same file.

BERTH_DEFAULT_DEFCONFIG := qemu_x86_64_defconfig
CONFIG_IN_FILES := $(TOPDIR)/Config.in $(wildcard $(TOPDIR)/package/Config.in $(TOPDIR)/package/*/Config.in)
# Run in O (kconfig writes its temporary files in the current directory), with
# srctree so that `source` lines resolve in the tree.
kconfig = cd $(O) && srctree=$(TOPDIR) CONFIG_= KCONFIG_CONFIG=$(CONFIG) BERTH_DEFCONFIG=$(1) kconfig-$(2) $(TOPDIR)/Config.in
saved_defconfig = $(or $(shell sed -n 's/^BERTH_DEFCONFIG="\(.*\)"/\1/p' $(CONFIG) 2>/dev/null),configs/$(BERTH_DEFAULT_DEFCONFIG))

.PHONY: menuconfig nconfig oldconfig olddefconfig savedefconfig

%_defconfig: $(TOPDIR)/configs/%_defconfig
	@mkdir -p $(O)
	$(Q)$(call kconfig,configs/$@,conf --defconfig=$(TOPDIR)/configs/$@) >/dev/null
	@echo "Configuration written to $(CONFIG) from configs/$@"

menuconfig nconfig: | $(CONFIG)
	$(Q)$(call kconfig,$(saved_defconfig),$(if $(filter menuconfig,$@),mconf,nconf))

oldconfig olddefconfig: | $(CONFIG)
	$(Q)$(call kconfig,$(saved_defconfig),conf --$@)

savedefconfig: | $(CONFIG)
	$(Q)$(call kconfig,$(saved_defconfig),conf --savedefconfig=$(TOPDIR)/$(saved_defconfig))
	@echo "Saved to $(saved_defconfig)"

# A missing .config comes from the default defconfig; a Config.in newer than
# .config (a pull that added options) is merged in with olddefconfig.
$(CONFIG): $(CONFIG_IN_FILES)
	@mkdir -p $(O)
	$(Q)if [ -f $@ ]; then \
		$(call kconfig,$(saved_defconfig),conf --olddefconfig) >/dev/null; \
	else \
		$(call kconfig,configs/$(BERTH_DEFAULT_DEFCONFIG),conf --defconfig=$(TOPDIR)/configs/$(BERTH_DEFAULT_DEFCONFIG)) >/dev/null && \
		echo "Configuration written to $@ from configs/$(BERTH_DEFAULT_DEFCONFIG)"; \
	fi
	$(Q)touch $@
