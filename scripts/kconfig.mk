# Configuration with real Kconfig (the kconfig-frontends tools), as Buildroot does.
# .config lives in $(O); it remembers the defconfig it came from (BERTH_DEFCONFIG)
# so that savedefconfig writes back to the same file.

BERTH_DEFAULT_DEFCONFIG := qemu_x86_64_defconfig
CONFIG_IN_FILES := $(TOPDIR)/Config.in $(wildcard $(TOPDIR)/package/Config.in $(TOPDIR)/package/*/Config.in) \
	$(wildcard $(addsuffix /Config.in,$(BERTH_EXTERNAL_DIRS)))
DEFCONFIGS := $(wildcard $(TOPDIR)/configs/*_defconfig $(addsuffix /configs/*_defconfig,$(BERTH_EXTERNAL_DIRS)))
defconfig_path = $(firstword $(filter %/$(1),$(DEFCONFIGS)))
# The external trees' Config.in, sourced by the top Config.in from O.
KCONFIG_EXTERNAL := $(O)/.berth-external.in
ifneq ($(filter-out $(nodeps_goals),$(or $(MAKECMDGOALS),all)),)
_ := $(shell mkdir -p $(O) && { \
	$(foreach d,$(BERTH_EXTERNAL_DIRS),$(if $(wildcard $(d)/Config.in),echo 'source "$(d)/Config.in"';)) true; } \
	> $(KCONFIG_EXTERNAL).tmp && (cmp -s $(KCONFIG_EXTERNAL).tmp $(KCONFIG_EXTERNAL) && \
	rm -f $(KCONFIG_EXTERNAL).tmp || mv $(KCONFIG_EXTERNAL).tmp $(KCONFIG_EXTERNAL)))
endif
# Run in O (kconfig writes its temporary files in the current directory), with
# srctree so that `source` lines resolve in the tree.
kconfig = cd $(O) && srctree=$(TOPDIR) CONFIG_= KCONFIG_CONFIG=$(CONFIG) BERTH_DEFCONFIG=$(1) kconfig-$(2) $(TOPDIR)/Config.in
saved_defconfig = $(or $(shell sed -n 's/^BERTH_DEFCONFIG="\(.*\)"/\1/p' $(CONFIG) 2>/dev/null),$(TOPDIR)/configs/$(BERTH_DEFAULT_DEFCONFIG))

.PHONY: menuconfig nconfig oldconfig olddefconfig savedefconfig

%_defconfig:
	@test -n "$(call defconfig_path,$@)" || { echo "error: no configs/$@ in the tree$(if $(BERTH_EXTERNAL_DIRS), or in $(BERTH_EXTERNAL_DIRS))" >&2; exit 1; }
	$(Q)$(call kconfig,$(call defconfig_path,$@),conf --defconfig=$(call defconfig_path,$@)) >/dev/null
	@echo "Configuration written to $(CONFIG) from $(call defconfig_path,$@)"

menuconfig nconfig: | $(CONFIG)
	$(Q)$(call kconfig,$(saved_defconfig),$(if $(filter menuconfig,$@),mconf,nconf))

oldconfig olddefconfig: | $(CONFIG)
	$(Q)$(call kconfig,$(saved_defconfig),conf --$@)

savedefconfig: | $(CONFIG)
	$(Q)$(call kconfig,$(saved_defconfig),conf --savedefconfig=$(saved_defconfig))
	@echo "Saved to $(saved_defconfig)"

# A missing .config comes from the default defconfig; a Config.in newer than
# .config (a pull that added options) is merged in with olddefconfig.
$(CONFIG): $(CONFIG_IN_FILES) $(KCONFIG_EXTERNAL)
	@mkdir -p $(O)
	$(Q)if [ -f $@ ]; then \
		$(call kconfig,$(saved_defconfig),conf --olddefconfig) >/dev/null; \
	else \
		$(call kconfig,$(TOPDIR)/configs/$(BERTH_DEFAULT_DEFCONFIG),conf --defconfig=$(TOPDIR)/configs/$(BERTH_DEFAULT_DEFCONFIG)) >/dev/null && \
		echo "Configuration written to $@ from configs/$(BERTH_DEFAULT_DEFCONFIG)"; \
	fi
	$(Q)touch $@
