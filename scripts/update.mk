# Updates (docs/update.md): the signing key, kept outside the tree, and this
# build as a signed update in images/update/BOARD/, ready for any static HTTP
# server (the agent asks for BOARD/current, then the file it names).
UPDATE_DIR := $(IMAGES_DIR)/update

.PHONY: keys update
keys: $(BERTH_UPDATE_KEY)
ifneq ($(BERTH_UPDATE_KEY),)
$(BERTH_UPDATE_KEY):
	$(Q)$(TOPDIR)/scripts/update-key $@ >/dev/null
endif

update: $(UPDATE_DIR)/$(BERTH_BOARD)/current
$(UPDATE_DIR)/$(BERTH_BOARD)/current: $(IMAGES_DIR)/slot.img $(IMAGES_DIR)/slot.verity $(BERTH_UPDATE_KEY) \
		$(TOPDIR)/scripts/mkupdate $(call value-file,update,$(BERTH_VERSION) $(BERTH_BOARD))
	$(Q)BERTH_BOARD='$(BERTH_BOARD)' BERTH_VERSION='$(BERTH_VERSION)' $(TOPDIR)/scripts/mkupdate \
		$(UPDATE_DIR) $(IMAGES_DIR)/slot.img $(IMAGES_DIR)/slot.verity $(BERTH_UPDATE_KEY)
